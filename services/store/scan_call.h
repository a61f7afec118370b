#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redis/reply.h"
#include "services/store/reply_read.h"

// FCALL rollcall_scan (services/store/rollcall.lua scan): its arguments and its reply. The
// check-in rules (services/checkin) decide what to send and what the answer means.
namespace rollcall::services::store {

struct ScanCall {
  std::string event_id;
  std::string scan_id;
  std::string badge_id;
  std::string desk_id;
  std::string zone;
  bool entering = true;        // "in", else "out"
  std::int64_t device_ms = 0;  // the believed device time (server_ms when none)
  std::int64_t server_ms = 0;
  std::string day;     // YYYY-MM-DD in the event's zone
  std::string minute;  // YYYY-MM-DDTHH:MM
  bool late = false;
  std::size_t max_desks = 0;
  bool device_time_ignored = false;
  std::string offline_verdict;  // "admitted", "refused" or ""
  // A check-in by hand: its reason word and note (both absent otherwise).
  std::optional<std::pair<std::string, std::string>> manual;
};

std::vector<std::string> scan_call(const ScanCall& call);

// The reply's fields, in the order rollcall.lua's scan returns them.
enum ScanField : std::size_t {
  kScanStatus,
  kScanReplay,
  kScanBadgeId,
  kScanZone,
  kScanDay,
  kScanServerMs,
  kScanLate,
  kScanSinceMs,
  kScanCountry,
  kScanCategory,
  kScanName,
  kScanOrganization,
  kScanSeq,
  kScanDeskTracked,        // absent from replies of libraries older than desk tracking
  kScanDeviceTimeIgnored,  // absent from replies of libraries older than the flag
  kScanRevokedReason,      // these three: absent from replies of libraries before replacements
  kScanReplacedBy,
  kScanPerson,
};
inline constexpr std::size_t kScanMinFields = kScanSeq + 1;
inline constexpr std::size_t kScanMaxFields = 64;  // room for later fields, nothing unbounded

// The reply's fields as text: an array of kScanMinFields..kScanMaxFields texts, else the error.
Read<std::vector<std::string>> read_scan_reply(const redis::Reply& reply);

}  // namespace rollcall::services::store
