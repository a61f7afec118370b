// Where clients' clocks are believed: the event's days with a margin, and the replay bounds
// around the server's clock.
#include <date/tz.h>
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include "services/checkin/scan_timing.h"
#include "services/checkin/time_window.h"

namespace rollcall::services::checkin {
namespace {

using google::protobuf::util::TimeUtil;

std::int64_t ms(const char* rfc3339) {
  google::protobuf::Timestamp at;
  EXPECT_TRUE(TimeUtil::FromString(rfc3339, &at)) << rfc3339;
  return TimeUtil::TimestampToMilliseconds(at);
}

const date::time_zone* zurich() {
  return date::locate_zone("Europe/Zurich");
}

v1::Event event_on(std::initializer_list<const char*> days) {
  v1::Event event;
  for (const char* day : days) event.add_days(day);
  return event;
}

TEST(TimeWindow, TheEventDaysWithTheirMarginInTheEventZone) {
  const auto window =
      event_time_window(event_on({"2025-07-08", "2025-07-07"}), zurich(), std::chrono::hours(24));
  // 7 July starts at 22:00 UTC on 6 July (CEST); a day before that; 9 July ends at 22:00 UTC.
  EXPECT_EQ(window.from_ms, ms("2025-07-05T22:00:00Z"));
  EXPECT_EQ(window.until_ms, ms("2025-07-09T21:59:59.999Z"));  // 8 July + 1 day
  EXPECT_EQ(event_time_window(event_on({"2025-07-07"}), zurich(), std::chrono::hours(0)).until_ms,
            ms("2025-07-07T21:59:59.999Z"));
}

TEST(TimeWindow, AnEventWithoutDaysLeavesOnlyTheReplayBounds) {
  const auto unbounded = event_time_window(event_on({}), zurich());
  EXPECT_TRUE(unbounded.contains(std::numeric_limits<std::int64_t>::min()) &&
              unbounded.contains(std::numeric_limits<std::int64_t>::max()));
  const auto server = ms("2026-03-01T12:00:00Z");
  const auto window = client_time_window(unbounded, server);
  EXPECT_EQ(window.from_ms, server - 7 * 86'400'000LL);
  EXPECT_EQ(window.until_ms, server + 5 * 60'000);
  // Days that are no dates (never written by the importer) bound nothing either.
  EXPECT_EQ(event_time_window(event_on({"soon"}), zurich()).from_ms,
            std::numeric_limits<std::int64_t>::min());
}

TEST(TimeWindow, ClientWindowIsBothBoundsAtOnce) {
  const auto days = event_time_window(event_on({"2025-07-07", "2025-07-08", "2025-07-09"}),
                                      zurich(), std::chrono::hours(24));
  // On the last day: replays up to the margin before the first day, 5 minutes ahead at most.
  auto window = client_time_window(days, ms("2025-07-09T10:00:00Z"));
  EXPECT_EQ(window.from_ms, ms("2025-07-05T22:00:00Z"));
  EXPECT_EQ(window.until_ms, ms("2025-07-09T10:05:00Z"));
  // A month after the event no client clock is believed: the window is empty.
  window = client_time_window(days, ms("2025-08-09T10:00:00Z"));
  EXPECT_GT(window.from_ms, window.until_ms);
  google::protobuf::Timestamp at = TimeUtil::MillisecondsToTimestamp(ms("2025-08-09T09:59:00Z"));
  EXPECT_FALSE(believed_ms(at, window));
  EXPECT_NE(ignored_time_reason(at, window).find("no client clock is believed"), std::string::npos);
}

TEST(TimeWindow, AbsurdAndInvalidTimesAreNotBelieved) {
  const auto server = ms("2025-07-08T07:00:00Z");
  const auto window = client_time_window(
      event_time_window(event_on({"2025-07-07", "2025-07-08"}), zurich()), server);
  for (const std::int64_t seconds : {-62135596800LL, -2208988800LL, -1LL, 0LL, 253402300799LL}) {
    google::protobuf::Timestamp at;
    at.set_seconds(seconds);
    EXPECT_FALSE(believed_ms(at, window)) << seconds;
    const auto why = ignored_time_reason(at, window);
    EXPECT_NE(why.find("was ignored: not between 2025-07-05T22:00:00Z and 2025-07-08T07:05:00Z"),
              std::string::npos)
        << why;
  }
  google::protobuf::Timestamp invalid;
  invalid.set_seconds(std::numeric_limits<std::int64_t>::max());
  EXPECT_FALSE(timestamp_ms(invalid));
  EXPECT_FALSE(believed_ms(invalid, {}));  // not even an unbounded window takes it
  EXPECT_EQ(ignored_time_reason(invalid, window).rfind("an invalid time", 0), 0u);
  invalid.set_seconds(0);
  invalid.set_nanos(-1);
  EXPECT_FALSE(timestamp_ms(invalid));
  google::protobuf::Timestamp fine = TimeUtil::MillisecondsToTimestamp(server - 3'600'000);
  EXPECT_EQ(believed_ms(fine, window), server - 3'600'000);
}

TEST(TimeWindow, EachIgnoredTimeHasAKindForTheMetric) {
  const auto server = ms("2025-07-08T07:00:00Z");
  const auto days = event_time_window(event_on({"2025-07-07", "2025-07-08"}), zurich());
  const auto window = client_time_window(days, server);
  auto at = [](std::int64_t when) { return TimeUtil::MillisecondsToTimestamp(when); };
  EXPECT_EQ(ignored_time_kind(at(window.from_ms - 1), window), "too_early");
  EXPECT_EQ(ignored_time_kind(at(ms("0001-01-01T00:00:00Z")), window), "too_early");
  EXPECT_EQ(ignored_time_kind(at(window.until_ms + 1), window), "too_late");
  EXPECT_EQ(ignored_time_kind(at(ms("9999-12-31T23:59:59Z")), window), "too_late");
  google::protobuf::Timestamp invalid;
  invalid.set_nanos(-1);
  EXPECT_EQ(ignored_time_kind(invalid, window), "invalid");
  const auto closed = client_time_window(days, ms("2025-09-01T00:00:00Z"));
  EXPECT_EQ(ignored_time_kind(at(ms("2025-08-31T23:00:00Z")), closed), "closed");
  // The edges themselves are believed, to the millisecond.
  EXPECT_TRUE(believed_ms(at(window.from_ms), window));
  EXPECT_TRUE(believed_ms(at(window.until_ms), window));
}

TEST(LocalDayStart, MidnightsInTheZoneAndNothingForNonDates) {
  EXPECT_EQ(local_day_start_ms("2025-07-07", zurich()), ms("2025-07-06T22:00:00Z"));
  EXPECT_EQ(local_day_start_ms("2025-07-07", zurich(), 1), ms("2025-07-07T22:00:00Z"));
  EXPECT_EQ(local_day_start_ms("2025-12-31", zurich(), 1), ms("2025-12-31T23:00:00Z"));
  EXPECT_EQ(local_day_start_ms("0001-01-01", date::locate_zone("UTC")), ms("0001-01-01T00:00:00Z"));
  for (const char* bad :
       {"", "2025-02-30", "2025-7-07", "20250707xx", "garbage!!!", "2025-13-01"}) {
    EXPECT_FALSE(local_day_start_ms(bad, zurich())) << bad;
  }
}

}  // namespace
}  // namespace rollcall::services::checkin
