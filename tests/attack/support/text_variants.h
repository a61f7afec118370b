#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/message.h>

#include "tests/attack/support/frame_client.h"

namespace rollcall::tests::attack {

// A field somewhere inside a message type: the fields leading to it from the top (through a
// repeated message field, its first element).
struct FieldPath {
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  std::string name() const;  // "batch.events.country"
  bool ends_with(std::string_view field_name) const;
};

// Every text field of `type` and of the messages inside it, found through the descriptors: a
// field added to the schema is attacked without anyone adding a case.
std::vector<FieldPath> text_fields(const google::protobuf::Descriptor* type);
// Every field of any type, the same way: JSON can put a string where anything else belongs.
std::vector<FieldPath> all_fields(const google::protobuf::Descriptor* type);

// A hostile value for a text field.
struct TextVariant {
  std::string kind;  // letters, multibyte, controls, invalid_utf8, surrogate_escapes
  std::size_t size = 0;
  std::string value;         // the bytes (empty for surrogate_escapes: JSON text only)
  std::string json_literal;  // how a JSON frame carries it, quotes included
  bool json_only = false;
  bool hostile() const;  // invalid UTF-8 or surrogates: never acceptable, whatever the size
  std::string label() const;
};

// Sizes 0, 1, 127, 128, 129, 1 KB, 10 KB, 60 KB of each kind: identifier letters, multi-byte
// characters, control characters (quotes and backslashes too), invalid UTF-8 (bytes in both
// encodings: a binary frame's string field, a JSON text frame), and JSON escapes of lone
// surrogates.
std::vector<TextVariant> text_variants();

// `base` with the field at `path` set to the variant, as a binary frame, or as JSON text
// (`json_literal` put where the field's value goes, whatever its type).
std::string binary_with(const google::protobuf::Message& base, const FieldPath& path,
                        const std::string& value);
std::string json_with(const google::protobuf::Message& base, const FieldPath& path,
                      const std::string& json_literal);
// `base` as JSON with one more member whose name is `json_key_literal`.
std::string json_with_unknown(const google::protobuf::Message& base,
                              const std::string& json_key_literal);

// One hostile frame of a kind of message, made from a valid message (which carries the id the
// reply should echo).
struct Attack {
  std::string label;  // "batch.events.country multibyte/129 json"
  bool json = false;
  std::function<std::string(const google::protobuf::Message& base)> frame;
  std::string sent;  // the hostile bytes, for the check that no long run of them comes back
  // Over every field limit, text that is never acceptable, a string where another type belongs,
  // an unknown member: the gateway must refuse it.
  bool must_refuse = false;
  std::optional<FieldPath> field;  // the field attacked; none for unknown members
  const TextVariant* variant = nullptr;
};

// Every attack on one kind of message in one encoding: each text field (text_fields) with each
// variant; in JSON also each field of another type (all_fields) given string variants, and
// members with hostile names. The variants must outlive the attacks.
std::vector<Attack> attacks_on(const google::protobuf::Descriptor* type, bool json,
                               const std::vector<TextVariant>& variants);

// What a reply may be: at most `max_frame` bytes, decodable as `reply` in its encoding (so
// valid UTF-8), words ("reason", "message") at most 320 bytes and every other text field at
// most 131 (128 quoted + "…"), and no run of more than 131 bytes of `sent` anywhere in it.
// Returns the problems in plain words; none when the reply is fine.
std::vector<std::string> check_reply(const Frame& frame, bool json,
                                     google::protobuf::Message* reply, std::string_view sent,
                                     std::size_t max_frame = 2048);
// A close: one of `codes`, a reason of at most 123 bytes, valid UTF-8, quoting at most 131
// bytes of `sent`.
std::vector<std::string> check_close(const CloseInfo& close, std::vector<int> codes,
                                     std::string_view sent);

std::string join(const std::vector<std::string>& problems);

}  // namespace rollcall::tests::attack
