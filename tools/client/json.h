#pragma once

#include <string>
#include <string_view>

#include <google/protobuf/message.h>

namespace rollcall::tools::client {

// The wire codec's JSON, with exceptions instead of error strings (clients and scripts).
std::string to_json(const google::protobuf::Message& message);
// Parses JSON into `message` (cleared first); throws std::runtime_error with the parser's reason.
void from_json(std::string_view json, google::protobuf::Message& message);

}  // namespace rollcall::tools::client
