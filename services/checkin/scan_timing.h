#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "rollcall/v1/rollcall.pb.h"

namespace date {
class time_zone;
}

namespace rollcall::services::checkin {

// When a scan counts. A desk that was offline replays scans made earlier: they count for the
// day they were made on (device time), as long as the device clock is plausible; otherwise the
// server's time decides.
struct ScanTiming {
  std::int64_t effective_ms = 0;
  std::string day;     // YYYY-MM-DD in the event's time zone
  std::string minute;  // YYYY-MM-DDTHH:MM in the event's time zone
  bool late = false;   // made more than kLateAfter before it reached the server
};

inline constexpr std::chrono::minutes kFutureSkew{5};
inline constexpr std::chrono::days kOldestReplay{7};
inline constexpr std::chrono::seconds kLateAfter{60};

ScanTiming scan_timing(const v1::ScanRequest& request, std::int64_t server_ms,
                       const date::time_zone* zone);

// Formats a Unix time in milliseconds as local "YYYY-MM-DD" and "YYYY-MM-DDTHH:MM".
std::string local_day(std::int64_t ms, const date::time_zone* zone);
std::string local_minute(std::int64_t ms, const date::time_zone* zone);

}  // namespace rollcall::services::checkin
