#include "services/badges/badge_day.h"

#include <gtest/gtest.h>

namespace rollcall::services::badges {
namespace {

TEST(BadgeDayTest, CountsDaysSinceTheEpoch) {
  EXPECT_EQ(parse_day("1970-01-01"), 0);
  EXPECT_EQ(parse_day("1970-01-02"), 1);
  EXPECT_EQ(parse_day("2025-07-07"), 20276);
  EXPECT_EQ(parse_day("2149-06-05"), kLastCodableDay);
  EXPECT_EQ(format_day(20276), "2025-07-07");
  EXPECT_EQ(format_day(0), "1970-01-01");
  EXPECT_EQ(format_day(kLastCodableDay), "2149-06-05");
}

TEST(BadgeDayTest, RoundTripsEveryCodableDay) {
  for (int day = kFirstCodableDay; day <= kLastCodableDay; ++day) {
    ASSERT_EQ(parse_day(format_day(day)), day) << format_day(day);
  }
}

TEST(BadgeDayTest, RefusesWhatIsNotARealDateInExactlyThatShape) {
  EXPECT_EQ(parse_day("2024-02-29"), 19782);
  EXPECT_FALSE(parse_day("2023-02-29"));
  EXPECT_FALSE(parse_day("2025-13-01"));
  EXPECT_FALSE(parse_day("2025-00-10"));
  EXPECT_FALSE(parse_day("2025-7-07"));
  EXPECT_FALSE(parse_day("2025-07-07T00:00"));
  EXPECT_FALSE(parse_day("+025-07-07"));
  EXPECT_FALSE(parse_day("2025/07/07"));
  EXPECT_FALSE(parse_day(""));
}

}  // namespace
}  // namespace rollcall::services::badges
