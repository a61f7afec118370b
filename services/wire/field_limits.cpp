#include "services/wire/field_limits.h"

#include <algorithm>

#include "services/registry/utf8.h"

namespace rollcall::services::wire {
namespace {

using google::protobuf::FieldDescriptor;

std::optional<std::string> check_text(const FieldDescriptor& field, const std::string& text,
                                      std::size_t limit) {
  if (text.size() > limit) {
    return field.name() + " is " + std::to_string(text.size()) + " bytes long; at most " +
           std::to_string(limit) + " are allowed";
  }
  // Binary frames cannot carry invalid UTF-8 in a proto3 string (the parser refuses it), but
  // JSON escapes can ("\udc80"), and bytes fields may.
  if (field.type() == FieldDescriptor::TYPE_STRING && !registry::is_valid_utf8(text)) {
    return field.name() + " is not valid UTF-8";
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> check_text_fields(const google::protobuf::Message& message,
                                             std::initializer_list<FieldLimit> limits) {
  const auto* descriptor = message.GetDescriptor();
  const auto* reflection = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto* field = descriptor->field(i);
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_STRING) continue;
    const auto listed = std::find_if(limits.begin(), limits.end(),
                                     [&](const FieldLimit& l) { return l.field == field->name(); });
    const auto limit = listed == limits.end() ? kDefaultFieldLimit : listed->max_bytes;
    if (field->is_repeated()) {
      for (int k = 0; k < reflection->FieldSize(message, field); ++k) {
        std::string scratch;
        const auto& text = reflection->GetRepeatedStringReference(message, field, k, &scratch);
        if (auto why = check_text(*field, text, limit)) return why;
      }
    } else {
      std::string scratch;
      if (auto why =
              check_text(*field, reflection->GetStringReference(message, field, &scratch), limit)) {
        return why;
      }
    }
  }
  return std::nullopt;
}

}  // namespace rollcall::services::wire
