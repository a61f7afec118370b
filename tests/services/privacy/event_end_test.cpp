#include "services/privacy/event_end.h"

#include <gtest/gtest.h>

#include <date/date.h>
#include <date/tz.h>

#include <random>

namespace rollcall::services::privacy {
namespace {

v1::Event event(const std::string& zone, std::vector<std::string> days) {
  v1::Event e;
  e.set_event_id("ev");
  e.set_time_zone(zone);
  for (auto& d : days) e.add_days(d);
  return e;
}

TEST(EventEnd, MidnightAfterTheLastDayInTheEventsZone) {
  // 9 July 2025 ends at 2025-07-10 00:00 in Zurich (UTC+2): 22:00 UTC on the 9th.
  EXPECT_EQ(event_end_ms(event("Europe/Zurich", {"2025-07-07", "2025-07-09", "2025-07-08"})),
            1752098400000);
  EXPECT_EQ(event_end_ms(event("UTC", {"2025-07-09"})), 1752105600000);
  // An empty or unknown zone is UTC.
  EXPECT_EQ(event_end_ms(event("", {"2025-07-09"})), 1752105600000);
  EXPECT_EQ(event_end_ms(event("Asia/Tokyo", {"2025-07-09"})), 1752105600000 - 9 * 3600000);
}

TEST(EventEnd, NoDaysOrABadDayHasNoEnd) {
  EXPECT_FALSE(event_end_ms(event("UTC", {})));
  EXPECT_FALSE(event_end_ms(event("UTC", {"2025-07-09", "tomorrow"})));
}

// Generated events in many zones: the end is the latest day's next local midnight, so every
// event day's noon is before it and the day after's noon is after it.
TEST(EventEnd, GeneratedEventsEndAfterEveryDayAndBeforeTheNext) {
  const std::vector<std::string> zones = {"UTC",
                                          "Europe/Zurich",
                                          "America/New_York",
                                          "Pacific/Kiritimati",
                                          "Pacific/Pago_Pago",
                                          "Australia/Lord_Howe",
                                          "Asia/Kathmandu"};
  std::mt19937 rng(20);
  for (int i = 0; i < 500; ++i) {
    const auto& zone = zones[rng() % zones.size()];
    const auto first = date::sys_days{date::year{2024} / 1 / 1} + date::days{rng() % 800};
    std::vector<std::string> days;
    const int n = 1 + rng() % 6;
    for (int d = 0; d < n; ++d) days.push_back(date::format("%F", first + date::days{d}));
    const auto end = event_end_ms(event(zone, days));
    ASSERT_TRUE(end);
    const auto* tz = date::locate_zone(zone);
    const auto noon = [&](date::sys_days day) {
      const auto local = date::local_days{day.time_since_epoch()} + std::chrono::hours(12);
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 tz->to_sys(local, date::choose::earliest).time_since_epoch())
          .count();
    };
    EXPECT_LT(noon(first + date::days{n - 1}), *end) << zone;
    EXPECT_GT(noon(first + date::days{n}), *end) << zone;
    EXPECT_GT(*end, noon(first + date::days{n - 1}) + 11 * 3600000 - 3600000) << zone;
  }
}

}  // namespace
}  // namespace rollcall::services::privacy
