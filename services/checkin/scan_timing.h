#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rollcall/v1/rollcall.pb.h"
#include "services/checkin/time_window.h"

namespace date {
class time_zone;
}

namespace rollcall::services::checkin {

// When a scan counts. A desk that was offline replays scans made earlier: they count for the
// day they were made on (device time), as long as the device clock is believed (time_window.h);
// otherwise the server's time decides and the scan is flagged.
struct ScanTiming {
  std::int64_t effective_ms = 0;
  std::string day;                        // YYYY-MM-DD in the event's time zone
  std::string minute;                     // YYYY-MM-DDTHH:MM in the event's time zone
  bool late = false;                      // made more than kLateAfter before it reached the server
  std::optional<std::int64_t> device_ms;  // the device time, when believed
  bool device_time_ignored = false;       // a device time came but was not believed
};

inline constexpr std::chrono::seconds kLateAfter{60};

// `event_window`: event_time_window() of the scan's event; the default (unbounded) leaves only
// the replay bounds (kOldestReplay, kFutureSkew), as for an event that lists no days.
ScanTiming scan_timing(const v1::ScanRequest& request, std::int64_t server_ms,
                       const date::time_zone* zone, const TimeWindow& event_window = {});

// Formats a Unix time in milliseconds as local "YYYY-MM-DD" and "YYYY-MM-DDTHH:MM".
std::string local_day(std::int64_t ms, const date::time_zone* zone);
std::string local_minute(std::int64_t ms, const date::time_zone* zone);

// The Unix milliseconds of the local midnight that starts `day` ("YYYY-MM-DD") plus `add_days`
// (the earliest instant when a time zone change skips or repeats it); nullopt when `day` is no
// date.
std::optional<std::int64_t> local_day_start_ms(std::string_view day, const date::time_zone* zone,
                                               int add_days = 0);

}  // namespace rollcall::services::checkin
