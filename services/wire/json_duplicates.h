#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <google/protobuf/descriptor.h>

namespace rollcall::services::wire {

// The first field that `json`, read as a `type` message, sets twice in one object, under the
// same key or another spelling of it (its proto name, its JSON name, escaped characters);
// nullopt when none is. Protobuf's JSON parser keeps the last value of a repeated key, so
// {"badge_id":"A","badgeId":"B"} would be counted for B while a proxy or log reading the first
// saw A. Objects whose fields are not known (map values, well-known types) are checked by their
// unescaped keys. JSON that does not parse is left to protobuf's parser (nullopt).
std::optional<std::string> duplicate_field(std::string_view json,
                                           const google::protobuf::Descriptor& type);

}  // namespace rollcall::services::wire
