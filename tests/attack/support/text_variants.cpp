#include "tests/attack/support/text_variants.h"

#include <algorithm>

#include <google/protobuf/stubs/logging.h>
#include <boost/json.hpp>

#include "services/registry/utf8.h"
#include "services/wire/codec.h"

namespace rollcall::tests::attack {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
namespace wire = services::wire;

constexpr std::string_view kPlaceholder = "@@variant@@";
constexpr std::size_t kMaxEcho = 131;   // registry::kMaxQuoted and "…"
constexpr std::size_t kMaxWords = 320;  // a reason or message: our words around a quote

void collect(const Descriptor* type, FieldPath prefix, bool text_only,
             std::vector<FieldPath>* out) {
  if (prefix.fields.size() > 6) return;  // a recursive type: deep enough
  for (int i = 0; i < type->field_count(); ++i) {
    FieldPath path = prefix;
    path.fields.push_back(type->field(i));
    const auto cpp_type = type->field(i)->cpp_type();
    if (!text_only || cpp_type == FieldDescriptor::CPPTYPE_STRING) out->push_back(path);
    if (cpp_type == FieldDescriptor::CPPTYPE_MESSAGE) {
      collect(type->field(i)->message_type(), path, text_only, out);
    }
  }
}

std::string sized(std::string_view pattern, std::size_t size, bool whole_characters) {
  std::string text;
  while (text.size() < size) text.append(pattern);
  text.resize(size);
  if (whole_characters) {  // drop a character cut in two
    while (!text.empty() && !services::registry::is_valid_utf8(text)) text.pop_back();
  }
  return text;
}

std::string json_escaped(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    } else {
      out += c;  // UTF-8 as it is, and invalid bytes too: the text frame then is not UTF-8
    }
  }
  return out + "\"";
}

// Mutable message at `path` minus its last field, created as needed.
Message* parent_of(Message* message, const FieldPath& path) {
  for (std::size_t i = 0; i + 1 < path.fields.size(); ++i) {
    const auto* field = path.fields[i];
    const auto* reflection = message->GetReflection();
    if (field->is_repeated()) {
      message = reflection->FieldSize(*message, field) == 0
                    ? reflection->AddMessage(message, field)
                    : reflection->MutableRepeatedMessage(message, field, 0);
    } else {
      message = reflection->MutableMessage(message, field);
    }
  }
  return message;
}

boost::json::object as_json_object(const Message& message) {
  return boost::json::parse(wire::encode(message, wire::Encoding::json)).as_object();
}

std::string with_literal(const boost::json::value& document, const std::string& literal) {
  auto text = boost::json::serialize(document);
  const auto quoted = "\"" + std::string(kPlaceholder) + "\"";
  return text.replace(text.find(quoted), quoted.size(), literal);
}

bool quotes_a_long_run(std::string_view text, std::string_view sent) {
  if (sent.size() <= kMaxEcho) return false;
  // The values are periodic (patterns of at most 16 bytes): every run of 132 bytes of them is
  // one of these.
  for (std::size_t offset = 0; offset < 64 && offset + kMaxEcho + 1 <= sent.size(); ++offset) {
    if (text.find(sent.substr(offset, kMaxEcho + 1)) != std::string_view::npos) return true;
  }
  return false;
}

void check_text(const std::string& where, const std::string& name, const std::string& text,
                std::string_view sent, std::vector<std::string>* problems) {
  const auto bound = name == "reason" || name == "message" ? kMaxWords : kMaxEcho;
  if (text.size() > bound) {
    problems->push_back(where + " is " + std::to_string(text.size()) + " bytes (at most " +
                        std::to_string(bound) + ")");
  }
  if (!services::registry::is_valid_utf8(text)) problems->push_back(where + " is not UTF-8");
  if (quotes_a_long_run(text, sent)) {
    problems->push_back(where + " quotes more than 131 bytes of what was sent");
  }
}

void walk(const Message& message, const std::string& prefix, std::string_view sent,
          std::vector<std::string>* problems) {
  const auto* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const auto* field : fields) {
    const auto where = prefix + field->name();
    const int count = field->is_repeated() ? reflection->FieldSize(message, field) : 1;
    for (int k = 0; k < count; ++k) {
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
        std::string scratch;
        const auto& text = field->is_repeated()
                               ? reflection->GetRepeatedStringReference(message, field, k, &scratch)
                               : reflection->GetStringReference(message, field, &scratch);
        check_text(where, field->name(), text, sent, problems);
      } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        walk(field->is_repeated() ? reflection->GetRepeatedMessage(message, field, k)
                                  : reflection->GetMessage(message, field),
             where + ".", sent, problems);
      }
    }
  }
}

}  // namespace

std::string FieldPath::name() const {
  std::string text;
  for (const auto* field : fields) text += (text.empty() ? "" : ".") + field->name();
  return text;
}

bool FieldPath::ends_with(std::string_view field_name) const {
  return !fields.empty() && fields.back()->name() == field_name;
}

std::vector<FieldPath> text_fields(const Descriptor* type) {
  std::vector<FieldPath> out;
  collect(type, {}, true, &out);
  return out;
}

std::vector<FieldPath> all_fields(const Descriptor* type) {
  std::vector<FieldPath> out;
  collect(type, {}, false, &out);
  return out;
}

bool TextVariant::hostile() const {
  return kind == "invalid_utf8" || kind == "surrogate_escapes";
}

std::string TextVariant::label() const {
  return kind + "/" + std::to_string(size);
}

std::vector<TextVariant> text_variants() {
  struct Kind {
    const char* name;
    std::string_view pattern;
    bool whole_characters;
  };
  static constexpr std::string_view kInvalid = "\xff\xc3(\xed\xa0\x80\xf4\x90\x80\x80";
  const Kind kinds[] = {{"letters", "Zx9", true},
                        {"multibyte", "\xc3\xa9\xe7\x8e\x8b\xf0\x9f\x98\x80", true},  // é王😀
                        {"controls", "\x01\"\\\n\x1f\x7f", false},
                        {"invalid_utf8", kInvalid, false}};
  std::vector<TextVariant> variants;
  for (const std::size_t size : {0, 1, 127, 128, 129, 1024, 10 * 1024, 60 * 1024}) {
    for (const auto& kind : kinds) {
      if (size == 0 && kind.name != std::string_view("letters")) continue;  // all the same
      TextVariant v{.kind = kind.name, .size = size};
      v.value = sized(kind.pattern, size, kind.whole_characters);
      v.json_literal = json_escaped(v.value);
      variants.push_back(std::move(v));
    }
    if (size == 0) continue;
    // "\udc80\ud800": a lone low and a lone high surrogate, 3 bytes each if a parser lets them
    // through as they are.
    TextVariant v{.kind = "surrogate_escapes", .size = size, .json_only = true};
    std::string escapes;
    for (std::size_t n = 0; n < std::max<std::size_t>(1, size / 6); ++n)
      escapes += "\\udc80\\ud800";
    v.json_literal = "\"" + escapes + "\"";
    variants.push_back(std::move(v));
  }
  return variants;
}

std::string binary_with(const Message& base, const FieldPath& path, const std::string& value) {
  // Protobuf logs each string it serializes that is not UTF-8: noise here, on purpose.
  static const bool quiet = (google::protobuf::SetLogHandler(nullptr), true);
  (void)quiet;
  std::unique_ptr<Message> message(base.New());
  message->CopyFrom(base);
  auto* parent = parent_of(message.get(), path);
  const auto* field = path.fields.back();
  const auto* reflection = parent->GetReflection();
  if (field->is_repeated()) {
    reflection->AddString(parent, field, value);
  } else {
    reflection->SetString(parent, field, value);
  }
  return message->SerializeAsString();
}

std::string json_with(const Message& base, const FieldPath& path, const std::string& json_literal) {
  boost::json::value document = as_json_object(base);
  boost::json::value* at = &document;
  for (std::size_t i = 0; i < path.fields.size(); ++i) {
    auto& member = at->as_object()[path.fields[i]->name()];
    if (i + 1 == path.fields.size()) {
      member = kPlaceholder;
      break;
    }
    if (member.is_array()) {
      auto& array = member.as_array();
      if (array.empty()) array.emplace_back(boost::json::object());
      at = &array.front();
    } else {
      if (!member.is_object()) member = boost::json::object();
      at = &member;
    }
  }
  return with_literal(document, json_literal);
}

std::string json_with_unknown(const Message& base, const std::string& json_key_literal) {
  auto text = boost::json::serialize(as_json_object(base));
  return "{" + json_key_literal + ":1" + (text == "{}" ? "" : ",") + text.substr(1);
}

std::vector<Attack> attacks_on(const Descriptor* type, bool json,
                               const std::vector<TextVariant>& variants) {
  const std::string encoding = json ? " json" : " binary";
  std::vector<Attack> attacks;
  for (const auto& path : all_fields(type)) {
    const bool text = path.fields.back()->cpp_type() == FieldDescriptor::CPPTYPE_STRING;
    if (!text && !json) continue;  // binary cannot put a string where a number goes
    for (const auto& v : variants) {
      if (v.json_only && !json) continue;
      if (!text && v.kind != "letters" && v.kind != "controls") continue;
      Attack attack{.label = path.name() + " " + v.label() + encoding,
                    .json = json,
                    .sent = v.value,
                    .must_refuse = !text || v.value.size() > 128 || v.hostile(),
                    .field = path,
                    .variant = &v};
      if (json) {
        attack.frame = [path, literal = v.json_literal](const Message& base) {
          return json_with(base, path, literal);
        };
      } else {
        attack.frame = [path, value = v.value](const Message& base) {
          return binary_with(base, path, value);
        };
      }
      attacks.push_back(std::move(attack));
    }
  }
  if (json) {
    for (const auto& v : variants) {
      if (v.hostile() && v.kind != "surrogate_escapes") continue;  // not a text frame at all
      attacks.push_back(
          Attack{.label = "unknown member named " + v.label() + encoding,
                 .json = true,
                 .frame = [literal = v.json_literal](
                              const Message& base) { return json_with_unknown(base, literal); },
                 .sent = v.value,
                 .must_refuse = true,
                 .variant = &v});
    }
  }
  return attacks;
}

std::vector<std::string> check_reply(const Frame& frame, bool json, Message* reply,
                                     std::string_view sent, std::size_t max_frame) {
  std::vector<std::string> problems;
  if (frame.data.size() > max_frame) {
    problems.push_back("a reply of " + std::to_string(frame.data.size()) + " bytes");
  }
  if (frame.text != json) problems.push_back("a reply in the other encoding's frame type");
  std::string error;
  if (!wire::decode(frame.data, json ? wire::Encoding::json : wire::Encoding::binary, reply,
                    &error)) {
    problems.push_back("a reply that is not a readable " + reply->GetDescriptor()->name() + ": " +
                       services::registry::quote_input(error));
    return problems;
  }
  walk(*reply, "", sent, &problems);
  return problems;
}

std::vector<std::string> check_close(const CloseInfo& close, std::vector<int> codes,
                                     std::string_view sent) {
  std::vector<std::string> problems;
  if (std::find(codes.begin(), codes.end(), close.code) == codes.end()) {
    problems.push_back("closed with " + std::to_string(close.code) + " (" +
                       services::registry::quote_input(close.reason) + ")");
  }
  if (close.reason.size() > 123) problems.push_back("a close reason over 123 bytes");
  check_text("the close reason", "close", close.reason, sent, &problems);
  return problems;
}

std::string join(const std::vector<std::string>& problems) {
  std::string text;
  for (const auto& problem : problems) text += (text.empty() ? "" : "; ") + problem;
  return text;
}

}  // namespace rollcall::tests::attack
