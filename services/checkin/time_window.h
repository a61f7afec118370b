#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <google/protobuf/timestamp.pb.h>

#include "rollcall/v1/rollcall.pb.h"

namespace date {
class time_zone;
}

namespace rollcall::services::checkin {

// Where a clock that a client supplies is believed: a desk's device_time, a bridge's or Zoom's
// join and leave times. A believed time decides the day and minute a scan counts for and the
// minutes a person was online; any other time is ignored, the server's time counts instead and
// the item is flagged. Never refused: a desk whose clock was reset still holds genuine scans in
// its offline queue, and the server's clock is always a valid substitute.

inline constexpr std::chrono::minutes kFutureSkew{5};
inline constexpr std::chrono::days kOldestReplay{7};
inline constexpr std::chrono::hours kDefaultTimeMargin{24};

// Unix milliseconds, both ends included.
struct TimeWindow {
  std::int64_t from_ms = std::numeric_limits<std::int64_t>::min();
  std::int64_t until_ms = std::numeric_limits<std::int64_t>::max();

  bool contains(std::int64_t ms) const { return ms >= from_ms && ms <= until_ms; }
};

// The event's days widened by `margin` on both sides: from the first day's local midnight minus
// the margin to the end of the last day plus the margin. Unbounded when the event lists no days
// (then every date is an event day, and only client_time_window's bounds apply).
TimeWindow event_time_window(const v1::Event& event, const date::time_zone* zone,
                             std::chrono::milliseconds margin = kDefaultTimeMargin);

// The times a client may give at server time `server_ms`: inside `event_window`, at most
// kOldestReplay old (a desk replaying its offline queue) and at most kFutureSkew ahead.
TimeWindow client_time_window(const TimeWindow& event_window, std::int64_t server_ms);

// The Unix milliseconds of `at`; nullopt when it is no valid Timestamp (years 1 to 9999, nanos
// 0 to 999,999,999, as protobuf's JSON mapping can express): beyond that milliseconds overflow.
std::optional<std::int64_t> timestamp_ms(const google::protobuf::Timestamp& at);

// `at` in milliseconds when it is a valid time inside `window`; nullopt otherwise.
std::optional<std::int64_t> believed_ms(const google::protobuf::Timestamp& at,
                                        const TimeWindow& window);

// Why a client's time was ignored, for logs and replies: the time (RFC 3339, or "an invalid
// time") and the window it missed.
std::string ignored_time_reason(const google::protobuf::Timestamp& at, const TimeWindow& window);

// The same in one word, for a metric's label: "invalid" (no valid Timestamp), "closed" (no
// client clock is believed now: the server's clock is outside the event's days), "too_early"
// or "too_late" (before or after `window`).
std::string_view ignored_time_kind(const google::protobuf::Timestamp& at, const TimeWindow& window);

}  // namespace rollcall::services::checkin
