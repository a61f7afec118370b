#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace date {
class time_zone;
}

namespace rollcall::tools::scenario {

inline constexpr std::int64_t kDayMs = 86'400'000;

// Scenario time: milliseconds after local midnight of "day 0", the eve of the first event day,
// in the event's time zone; event day k (1-based) starts at k * kDayMs. Local days stay 24 hours
// long in this count, so a time of day reads the same on every day; only the conversion to Unix
// time (device_time) consults the time zone database (howardhinnant date).
class EventClock {
 public:
  // `first_day` is "YYYY-MM-DD"; throws std::runtime_error for an unknown zone or date.
  EventClock(std::string_view time_zone, std::string_view first_day);

  std::int64_t unix_ms(std::int64_t scenario_ms) const;
  // RFC 3339 in UTC with milliseconds, as protobuf's JSON mapping writes a Timestamp.
  std::string rfc3339(std::int64_t scenario_ms) const;
  // "YYYY-MM-DD" of event day k (0 = the eve).
  std::string date_of_day(int day) const;

 private:
  const date::time_zone* zone_ = nullptr;
  int day0_ = 0;  // days since 1970-01-01 of the eve
};

// Milliseconds since the Unix epoch -> "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string rfc3339_utc(std::int64_t unix_ms);

}  // namespace rollcall::tools::scenario

namespace rollcall::tools::scenario {

// "today" or "yesterday" in `time_zone` at `now_unix_ms`, or a literal "YYYY-MM-DD", as a date;
// throws std::runtime_error otherwise.
std::string resolve_day(std::string_view spec, std::string_view time_zone,
                        std::int64_t now_unix_ms);

// `count` consecutive dates ending with `last` ("YYYY-MM-DD").
std::vector<std::string> days_ending(std::string_view last, int count);

}  // namespace rollcall::tools::scenario
