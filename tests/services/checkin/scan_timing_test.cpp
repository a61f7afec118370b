#include "services/checkin/scan_timing.h"

#include <cstdint>
#include <random>

#include <date/tz.h>
#include <gtest/gtest.h>

namespace rollcall::services::checkin {
namespace {

// Every scan writes its local day and minute; they are written by hand (date::format costs a
// stream and a locale per call) and must read exactly as date::format writes them: any instant
// from year 1 to 9999, before 1970 too, in zones of every kind of offset, and densely around
// midnights and daylight-saving changes.
TEST(ScanTiming, LocalDayAndMinuteReadAsDateFormatWritesThem) {
  const std::vector<const date::time_zone*> zones = {date::locate_zone("UTC"),
                                                     date::locate_zone("Europe/Zurich"),
                                                     date::locate_zone("Asia/Kolkata"),
                                                     date::locate_zone("America/St_Johns"),
                                                     date::locate_zone("Pacific/Chatham"),
                                                     date::locate_zone("Pacific/Kiritimati"),
                                                     date::locate_zone("Pacific/Pago_Pago")};
  const auto expected_day = [](std::int64_t ms, const date::time_zone* zone) {
    return date::format(
        "%F", date::floor<date::days>(zone->to_local(
                  date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{ms}})));
  };
  const auto expected_minute = [](std::int64_t ms, const date::time_zone* zone) {
    return date::format(
        "%FT%R", date::floor<std::chrono::minutes>(zone->to_local(
                     date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{ms}})));
  };
  std::mt19937_64 random(2025);
  // Year 1 to 9999 (a day's margin for the zones' offsets), and the years around now.
  const std::int64_t first = -62135596800000 + 86400000, last = 253402300799000 - 86400000;
  std::uniform_int_distribution<std::int64_t> any(first, last);
  std::uniform_int_distribution<std::int64_t> recent(0, 4102444800000);  // 1970 to 2100
  std::vector<std::int64_t> instants;
  for (int i = 0; i < 20000; ++i) instants.push_back(any(random));
  for (int i = 0; i < 20000; ++i) instants.push_back(recent(random));
  // Around each UTC midnight of 2025 and the Zurich clock changes (30 March, 26 October).
  for (std::int64_t day = 1735689600000; day < 1767225600000; day += 86400000) {
    for (const std::int64_t d : {-60001, -1, 0, 1, 59999, 60000}) instants.push_back(day + d);
  }
  for (const std::int64_t change : {1743296400000, 1761440400000}) {
    for (std::int64_t d = -7200000; d <= 7200000; d += 30000) instants.push_back(change + d);
  }
  for (const auto* zone : zones) {
    for (const auto ms : instants) {
      ASSERT_EQ(local_day(ms, zone), expected_day(ms, zone)) << ms << " " << zone->name();
      ASSERT_EQ(local_minute(ms, zone), expected_minute(ms, zone)) << ms << " " << zone->name();
    }
  }
}

}  // namespace
}  // namespace rollcall::services::checkin
