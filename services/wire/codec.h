#pragma once

#include <string>
#include <string_view>

#include <google/protobuf/message.h>

namespace rollcall::services::wire {

// Every channel speaks binary protobuf, or protobuf's JSON mapping (proto field names kept)
// when the client asked for the `rollcall.v1.json` subprotocol.
enum class Encoding { binary, json };

inline constexpr std::string_view kJsonSubprotocol = "rollcall.v1.json";

std::string encode(const google::protobuf::Message& message, Encoding encoding);

// Parses bytes into *message (cleared first). On failure returns false and a short reason for
// people in *error; unknown JSON fields are refused so typos in field names are not silently lost.
bool decode(std::string_view bytes, Encoding encoding, google::protobuf::Message* message,
            std::string* error);

}  // namespace rollcall::services::wire
