#include "services/wire/json_duplicates.h"

#include <cstdint>
#include <set>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>

namespace rollcall::services::wire {
namespace {

namespace json = boost::json;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// The message type of a field's value when its objects have fields of their own: a message that
// is neither a map nor a well-known type (whose JSON forms are not their fields).
const Descriptor* fields_of(const FieldDescriptor* field) {
  if (!field || field->type() != FieldDescriptor::TYPE_MESSAGE || field->is_map()) return nullptr;
  const auto* type = field->message_type();
  return type->file()->package() == "google.protobuf" ? nullptr : type;
}

// The field `key` names in JSON: its proto name or its JSON name (protobuf's parser takes both).
const FieldDescriptor* field_named(const Descriptor& type, const std::string& key) {
  if (const auto* field = type.FindFieldByName(key)) return field;
  for (int i = 0; i < type.field_count(); ++i) {
    const auto* field = type.field(i);
    if (field->json_name() == key || field->camelcase_name() == key) return field;
  }
  return nullptr;
}

class Handler {
 public:
  static constexpr std::size_t max_array_size = -1;
  static constexpr std::size_t max_object_size = -1;
  static constexpr std::size_t max_string_size = -1;
  static constexpr std::size_t max_key_size = -1;

  explicit Handler(const Descriptor* root) : root_(root) {}

  std::optional<std::string> duplicate;

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_array_begin(json::error_code&) {
    levels_.push_back({.type = value_type(), .array = true});
    return true;
  }
  bool on_array_end(std::size_t, json::error_code&) {
    levels_.pop_back();
    return true;
  }
  bool on_object_begin(json::error_code&) {
    levels_.push_back({.type = value_type()});
    return true;
  }
  bool on_object_end(std::size_t, json::error_code&) {
    levels_.pop_back();
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
    key_.append(s.data(), s.size());
    auto& level = levels_.back();
    const FieldDescriptor* field = nullptr;
    if (level.type) field = field_named(*level.type, key_);
    level.next = fields_of(field);
    // A known field by its number, anything else by its key as read.
    const auto identity = field ? "#" + std::to_string(field->number()) : key_;
    if (!level.seen.insert(identity).second) {
      duplicate = key_;
      ec = json::error::syntax;  // stops the parse: one is enough
      return false;
    }
    key_.clear();
    return true;
  }
  bool on_string_part(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, json::error_code&) { return true; }
  bool on_uint64(std::uint64_t, json::string_view, json::error_code&) { return true; }
  bool on_double(double, json::string_view, json::error_code&) { return true; }
  bool on_bool(bool, json::error_code&) { return true; }
  bool on_null(json::error_code&) { return true; }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  struct Level {
    const Descriptor* type = nullptr;  // an object's fields, an array's elements'
    bool array = false;
    const Descriptor* next = nullptr;  // an object's: the fields of its current key's value
    std::set<std::string> seen;
  };

  // The fields of the value starting now.
  const Descriptor* value_type() const {
    if (levels_.empty()) return root_;
    const auto& parent = levels_.back();
    return parent.array ? parent.type : parent.next;
  }

  const Descriptor* root_;
  std::vector<Level> levels_;
  std::string key_;
};

}  // namespace

std::optional<std::string> duplicate_field(std::string_view text, const Descriptor& type) {
  json::parse_options options;
  options.max_depth = 64;
  json::basic_parser<Handler> parser(options, &type);
  json::error_code ec;
  parser.write_some(false, text.data(), text.size(), ec);
  return std::move(parser.handler().duplicate);
}

}  // namespace rollcall::services::wire
