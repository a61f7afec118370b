#pragma once

#include <optional>
#include <string>

#include "rollcall/v1/rollcall.pb.h"

namespace rollcall::services::checkin {

// Checks the lengths (and UTF-8) of a desk's ScanRequest fields, first, before the badge is
// proven: no later step, and no reply, then holds more of a client's text than these limits.
// Returns the reason naming the field and its limit (the desk gets `malformed`).
std::optional<std::string> check_scan_fields(const v1::ScanRequest& request);

// Checks a desk's ScanRequest before it reaches Redis. Returns the reason in plain words when
// the request cannot be processed (the desk gets `malformed` and nothing is counted).
std::optional<std::string> validate_scan(const v1::ScanRequest& request);

// Identifiers that become part of Redis keys and log entries: 1..max of [A-Za-z0-9_.:-].
bool is_identifier(std::string_view text, std::size_t max_length = 64);

}  // namespace rollcall::services::checkin
