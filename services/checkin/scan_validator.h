#pragma once

#include <optional>
#include <string>

#include "rollcall/v1/rollcall.pb.h"

namespace rollcall::services::checkin {

// Checks a desk's ScanRequest before it reaches Redis. Returns the reason in plain words when
// the request cannot be processed (the desk gets `malformed` and nothing is counted).
std::optional<std::string> validate_scan(const v1::ScanRequest& request);

// Identifiers that become part of Redis keys and log entries: 1..max of [A-Za-z0-9_.:-].
bool is_identifier(std::string_view text, std::size_t max_length = 64);

}  // namespace rollcall::services::checkin
