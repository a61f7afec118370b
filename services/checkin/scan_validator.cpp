#include "services/checkin/scan_validator.h"

#include <algorithm>

#include "services/checkin/time_window.h"

#include "services/badges/badge_code.h"
#include "services/wire/field_limits.h"

namespace rollcall::services::checkin {

bool is_identifier(std::string_view text, std::size_t max_length) {
  if (text.empty() || text.size() > max_length) return false;
  return std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == ':' || c == '-';
  });
}

std::optional<std::string> check_scan_fields(const v1::ScanRequest& request) {
  // badge_id carries a signed badge code until it is proven: longer than the id it vouches for.
  return wire::check_text_fields(
      request,
      {{"scan_id", 128}, {"badge_id", badges::kMaxCodeLength}, {"desk_id", 64}, {"zone", 64}});
}

std::optional<std::string> validate_scan(const v1::ScanRequest& request) {
  if (!is_identifier(request.scan_id(), 128)) {
    return "scan_id is missing or not 1-128 letters, digits or _.:-";
  }
  if (request.badge_id().empty()) return "the badge code is empty";
  if (!is_identifier(request.badge_id())) {
    return "the badge code is not a rollcall badge (1-64 letters, digits or _.:-)";
  }
  if (!is_identifier(request.desk_id())) return "desk_id is missing or invalid";
  if (!is_identifier(request.zone())) return "zone is missing or invalid";
  if (request.direction() != v1::in && request.direction() != v1::out) {
    return "direction must be \"in\" or \"out\"";
  }
  // Years 1 to 9999, as a JSON frame can say it: beyond, a binary frame carries no time at all.
  // Any time in that range is read: an implausible one is ignored and flagged (scan_timing),
  // never refused, since the scan itself is genuine.
  if (request.has_device_time() && !timestamp_ms(request.device_time())) {
    return "device_time is not a valid time";
  }
  return std::nullopt;
}

}  // namespace rollcall::services::checkin
