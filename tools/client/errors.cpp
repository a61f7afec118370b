#include "tools/client/errors.h"

#include <utility>

namespace rollcall::tools::client {

ClosedError::ClosedError(int code, std::string reason)
    : std::runtime_error("websocket closed (" + std::to_string(code) + ")" +
                         (reason.empty() ? "" : ": " + reason)),
      code_(code),
      reason_(std::move(reason)) {}

HandshakeError::HandshakeError(int status, std::string body)
    : std::runtime_error("websocket upgrade refused with HTTP " + std::to_string(status) +
                         (body.empty() ? "" : ": " + body)),
      status_(status),
      body_(std::move(body)) {}

}  // namespace rollcall::tools::client
