#pragma once

#include <cstdint>
#include <string>

namespace rollcall::tests::support {

// The value of one series in a Prometheus text exposition (GET /metrics), `name` with its labels
// as the gateway writes them (`rollcall_connections{channel="online"}`); 0 when it is absent.
std::uint64_t metric_value(const std::string& exposition, const std::string& name);

}  // namespace rollcall::tests::support
