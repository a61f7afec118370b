#pragma once

#include <chrono>
#include <string>

#include "rollcall/v1/rollcall.pb.h"
#include "tests/support/gateway_process.h"

namespace rollcall::tests::support {

// GET `target` (/v1/events/E/totals, /v1/venues/V/totals) from `gateway` with `token`, decoded
// from JSON. A status other than 200, or a body that does not decode, fails the test (not
// fatally) and gives what was read.
v1::Totals http_totals(const GatewayProcess& gateway, const std::string& target,
                       const std::string& token,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5));
// The same from whatever listens on host:port (a gateway restarted on the same port).
v1::Totals http_totals(const std::string& host, unsigned short port, const std::string& target,
                       const std::string& token,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace rollcall::tests::support
