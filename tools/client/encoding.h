#pragma once

#include <string>

#include "services/wire/codec.h"

namespace rollcall::tools::client {

// Clients speak what the gateway speaks: binary protobuf, or the JSON mapping negotiated with
// the `rollcall.v1.json` subprotocol.
using services::wire::Encoding;

// The subprotocol to request for an encoding; empty for binary (no subprotocol).
inline std::string subprotocol(Encoding encoding) {
  return encoding == Encoding::json ? std::string(services::wire::kJsonSubprotocol) : "";
}

}  // namespace rollcall::tools::client
