#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <google/protobuf/message.h>

namespace rollcall::services::wire {

// The most bytes one text field of an inbound message may carry.
struct FieldLimit {
  std::string_view field;
  std::size_t max_bytes;
};

// What a field not listed may carry: as much as a reply may quote (registry::kMaxQuoted).
inline constexpr std::size_t kDefaultFieldLimit = 128;

// Checks the text fields of `message` (its own, repeated ones included; not those of nested
// messages) before anything else is done with it: each must be valid UTF-8 and at most its
// limit long, the one listed for it or else kDefaultFieldLimit, so a field added to the schema
// later is bounded too. Returns the first problem in plain words naming the field and its limit;
// the field's content is never quoted.
std::optional<std::string> check_text_fields(const google::protobuf::Message& message,
                                             std::initializer_list<FieldLimit> limits);

}  // namespace rollcall::services::wire
