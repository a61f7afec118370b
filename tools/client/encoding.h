#pragma once

#include <string>

namespace rollcall::tools::client {

// How frames travel on a channel: binary protobuf (the default), or protobuf's JSON mapping in
// text frames, negotiated with the `rollcall.v1.json` subprotocol.
enum class Encoding { binary, json };

inline constexpr const char* json_subprotocol = "rollcall.v1.json";

// The subprotocol to request for an encoding; empty for binary (no subprotocol).
inline std::string subprotocol(Encoding encoding) {
  return encoding == Encoding::json ? json_subprotocol : "";
}

}  // namespace rollcall::tools::client
