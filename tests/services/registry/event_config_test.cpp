#include "services/registry/event_config.h"

#include <cstdio>
#include <fstream>
#include <iomanip>
#include <sstream>

#include <gtest/gtest.h>

namespace rollcall::services::registry {
namespace {

std::string error_of(std::string_view json, std::string_view expected = {}) {
  try {
    parse_event_json(json, expected);
  } catch (const EventConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE(std::string(text).find(part), std::string::npos) << "in: " << (text)

TEST(DefaultEvent, IsUtcEveryDayAnyZoneWithTheStandardCategories) {
  const auto e = default_event("wsis20-2025");
  EXPECT_EQ(e.event_id(), "wsis20-2025");
  EXPECT_EQ(e.time_zone(), "UTC");
  EXPECT_TRUE(e.days().empty());
  EXPECT_TRUE(e.zones().empty());
  ASSERT_EQ(e.categories_size(), 10);
  const std::vector<std::string> ids = {"minister",      "regulator", "un",        "private_sector",
                                        "civil_society", "youth",     "technical", "academia",
                                        "media",         "other"};
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(e.categories(i).id(), ids[i]);
    EXPECT_FALSE(e.categories(i).label().empty());
    EXPECT_EQ(e.categories(i).headline(), i < 3) << ids[i];
  }
  EXPECT_EQ(e.categories(0).label(), "Ministers and deputy ministers");
  EXPECT_EQ(e.categories(1).label(), "Regulators");
  EXPECT_EQ(e.categories(2).label(), "UN system");
  EXPECT_TRUE(validate_event(e).empty());
}

TEST(EventFile, FullFile) {
  const auto e = parse_event_json(R"({
    "event_id": "wsis20-2025", "name": "WSIS+20 High-Level Event 2025",
    "time_zone": "Europe/Zurich",
    "days": ["2025-07-07", "2025-07-08", "2025-07-09", "2025-07-10", "2025-07-11"],
    "zones": ["hall_a", "Room.1", "cicg-2"],
    "categories": [{"id": "minister", "label": "Ministers", "headline": true},
                   {"id": "other", "label": "Other"}]
  })",
                                  "wsis20-2025");
  EXPECT_EQ(e.name(), "WSIS+20 High-Level Event 2025");
  EXPECT_EQ(e.time_zone(), "Europe/Zurich");
  EXPECT_EQ(e.days_size(), 5);
  EXPECT_EQ(comma_list(e.days()), ",2025-07-07,2025-07-08,2025-07-09,2025-07-10,2025-07-11,");
  EXPECT_EQ(comma_list(e.zones()), ",hall_a,Room.1,cicg-2,");
  ASSERT_EQ(e.categories_size(), 2);
  EXPECT_TRUE(e.categories(0).headline());
}

TEST(EventFile, MissingPiecesTakeDefaults) {
  const auto e = parse_event_json(R"({"name": "AI for Good"})", "aiforgood-2025");
  EXPECT_EQ(e.event_id(), "aiforgood-2025");
  EXPECT_EQ(e.time_zone(), "UTC");
  EXPECT_EQ(e.categories_size(), 10);
  EXPECT_EQ(comma_list(e.days()), "");
  EXPECT_EQ(comma_list(e.zones()), "");
}

TEST(EventFile, WithoutHeadlineMarkingMinistersRegulatorsAndUnAreHeadline) {
  const auto e = parse_event_json(R"({"categories": [
    {"id": "minister", "label": "Ministers"}, {"id": "youth", "label": "Youth"},
    {"id": "un", "label": "UN system"}, {"id": "regulator", "label": "Regulators"}]})",
                                  "x");
  ASSERT_EQ(e.categories_size(), 4);
  EXPECT_TRUE(e.categories(0).headline());
  EXPECT_FALSE(e.categories(1).headline());
  EXPECT_TRUE(e.categories(2).headline());
  EXPECT_TRUE(e.categories(3).headline());
  // A file that marks its own headline categories keeps exactly them.
  const auto own = parse_event_json(R"({"categories": [
    {"id": "minister", "label": "Ministers"}, {"id": "youth", "label": "Youth", "headline": true}]})",
                                    "x");
  EXPECT_FALSE(own.categories(0).headline());
  EXPECT_TRUE(own.categories(1).headline());
}

TEST(EventFile, CamelCaseNamesAreAcceptedToo) {
  const auto e = parse_event_json(R"({"eventId": "x", "timeZone": "Asia/Tokyo"})");
  EXPECT_EQ(e.event_id(), "x");
  EXPECT_EQ(e.time_zone(), "Asia/Tokyo");
}

TEST(EventFile, Errors) {
  EXPECT_CONTAINS(error_of("{"), "not a rollcall.v1.Event in JSON");
  EXPECT_CONTAINS(error_of(R"({"event_id": "a", "tiem_zone": "UTC"})"),
                  "not a rollcall.v1.Event in JSON");
  EXPECT_CONTAINS(error_of("[]", "a"), "not a rollcall.v1.Event");
  EXPECT_CONTAINS(error_of(R"({"event_id": "other"})", "wsis"),
                  "it is for event \"other\", not \"wsis\"");
  EXPECT_CONTAINS(error_of(R"({})"), "event_id \"\" must be");
  EXPECT_CONTAINS(error_of(R"({"event_id": "Upper"})"), "event_id \"Upper\" must be");
  EXPECT_CONTAINS(error_of(R"({"event_id": "-lead"})"), "event_id \"-lead\"");
  EXPECT_CONTAINS(error_of(R"({"event_id": ")" + std::string(65, 'a') + R"("})"),
                  "must be 1 to 64");
  EXPECT_EQ(error_of(R"({"event_id": ")" + std::string(64, 'a') + R"("})"), "(no error)");
  EXPECT_CONTAINS(error_of(R"({"time_zone": "Mars/Olympus"})", "a"),
                  "time_zone \"Mars/Olympus\" is not a known IANA time zone");
  EXPECT_CONTAINS(error_of(R"({"days": ["2025-02-29"]})", "a"),
                  "day \"2025-02-29\" is not a real date");
  EXPECT_EQ(error_of(R"({"days": ["2024-02-29"]})", "a"), "(no error)");
  EXPECT_CONTAINS(error_of(R"({"days": ["2025-7-7"]})", "a"), "day \"2025-7-7\"");
  EXPECT_CONTAINS(error_of(R"({"days": ["2025-13-01"]})", "a"), "day \"2025-13-01\"");
  EXPECT_CONTAINS(error_of(R"({"days": ["2025-07-07", "2025-07-07"]})", "a"),
                  "day \"2025-07-07\" is listed twice");
  EXPECT_CONTAINS(error_of(R"({"zones": ["hall a"]})", "a"), "zone \"hall a\" must be");
  EXPECT_CONTAINS(error_of(R"({"zones": [""]})", "a"), "zone \"\" must be");
  EXPECT_CONTAINS(error_of(R"({"zones": ["x", "x"]})", "a"), "zone \"x\" is listed twice");
  EXPECT_CONTAINS(error_of(R"({"categories": [{"id": "VIP"}]})", "a"), "category id \"VIP\"");
  EXPECT_CONTAINS(error_of(R"({"categories": [{"id": ""}]})", "a"), "category id \"\"");
  EXPECT_CONTAINS(error_of(R"({"categories": [{"id": "un"}, {"id": "un"}]})", "a"),
                  "category \"un\" is listed twice");
}

// Zone labels: only for listed zones, 1..64 bytes each; generated lengths around the bound.
TEST(EventFile, ZoneLabels) {
  const auto e = parse_event_json(
      R"({"zones": ["hall_a", "hall_b"], "zone_labels": {"hall_a": "Assembly Hall"}})", "a");
  EXPECT_EQ(e.zone_labels().at("hall_a"), "Assembly Hall");
  EXPECT_CONTAINS(error_of(R"({"zones": ["hall_a"], "zone_labels": {"hall_c": "C"}})", "a"),
                  "zone_labels names zone \"hall_c\", which is not in zones");
  EXPECT_CONTAINS(error_of(R"({"zone_labels": {"hall_c": "C"}})", "a"), "not in zones");
  for (const std::size_t n : {0, 1, 63, 64, 65, 200}) {
    const auto json = R"({"zones": ["z"], "zone_labels": {"z": ")" + std::string(n, 'x') + R"("}})";
    if (n >= 1 && n <= 64) {
      EXPECT_EQ(error_of(json, "a"), "(no error)") << n;
    } else {
      EXPECT_CONTAINS(error_of(json, "a"), "the label of zone \"z\" must be 1 to 64") << n;
    }
  }
}

// Zone capacities: generated values around both bounds, for listed zones (or any valid zone id
// when the event lists none); the warning share in (0, 1], 0.9 when left out.
TEST(EventFile, ZoneCapacities) {
  const auto e = parse_event_json(
      R"({"zones": ["hall_a", "hall_b"], "zone_capacities": {"hall_a": 2000, "hall_b": 1},
          "capacity_warning": 0.75})",
      "a");
  EXPECT_EQ(e.zone_capacities().at("hall_a"), 2000);
  EXPECT_EQ(e.zone_capacities().at("hall_b"), 1);
  ASSERT_TRUE(e.has_capacity_warning());
  EXPECT_DOUBLE_EQ(e.capacity_warning(), 0.75);
  EXPECT_FALSE(parse_event_json(R"({"zones": ["z"]})", "a").has_capacity_warning());
  EXPECT_EQ(kDefaultCapacityWarning, 0.9);

  for (const long long n :
       {-1000000LL, -1LL, 0LL, 1LL, 2LL, 999999LL, 1000000LL, 1000001LL, 2147483647LL}) {
    const auto json = R"({"zones": ["z"], "zone_capacities": {"z": )" + std::to_string(n) + "}}";
    if (n >= 1 && n <= kMaxZoneCapacity) {
      EXPECT_EQ(error_of(json, "a"), "(no error)") << n;
    } else {
      EXPECT_CONTAINS(error_of(json, "a"), "the capacity of zone \"z\" is " + std::to_string(n) +
                                               "; it must be 1 to 1000000")
          << n;
    }
  }
  // Not an int32, not a number: the JSON parser refuses it, and says which file field.
  for (const char* bad : {"2147483648", "1.5", "\"many\"", "[]", "1e12"}) {
    const auto json = R"({"zones": ["z"], "zone_capacities": {"z": )" + std::string(bad) + "}}";
    EXPECT_CONTAINS(error_of(json, "a"), "not a rollcall.v1.Event in JSON") << bad;
  }
  // null reads as 0, which is no capacity.
  EXPECT_CONTAINS(error_of(R"({"zones": ["z"], "zone_capacities": {"z": null}})", "a"),
                  "the capacity of zone \"z\" is 0");
  // Only the listed zones when the event lists zones; any zone id when it lists none.
  EXPECT_CONTAINS(error_of(R"({"zones": ["hall_a"], "zone_capacities": {"hall_c": 5}})", "a"),
                  "zone_capacities names zone \"hall_c\", which is not in zones");
  EXPECT_EQ(error_of(R"({"zone_capacities": {"hall_c": 5}})", "a"), "(no error)");
  for (const std::string& zone : {std::string("hall c"), std::string(""), std::string(65, 'z'),
                                  std::string(5000, 'q'), std::string("h\u00e9")}) {
    const auto text = error_of(R"({"zone_capacities": {")" + zone + R"(": 5}})", "a");
    EXPECT_CONTAINS(text, "which is not a zone id") << zone.size();
    EXPECT_LT(text.size(), 400u) << "the bad id is quoted, not echoed whole";
  }
  // The warning share, generated around its bounds.
  for (const double w : {-1.0, -0.0001, 0.0, 1e-9, 0.01, 0.5, 0.9, 0.999, 1.0, 1.0001, 2.0, 90.0}) {
    std::ostringstream json;
    json << R"({"zones": ["z"], "capacity_warning": )" << std::setprecision(17) << w << "}";
    if (w > 0 && w <= 1) {
      EXPECT_EQ(error_of(json.str(), "a"), "(no error)") << w;
    } else {
      EXPECT_CONTAINS(error_of(json.str(), "a"), "capacity_warning") << w;
      EXPECT_CONTAINS(error_of(json.str(), "a"), "above 0 and at most 1") << w;
    }
  }
  EXPECT_CONTAINS(error_of(R"({"capacity_warning": "NaN"})", "a"), "capacity_warning nan");
  EXPECT_CONTAINS(error_of(R"({"capacity_warning": "Infinity"})", "a"), "capacity_warning inf");
  EXPECT_CONTAINS(error_of(R"({"capacity_warning": "high"})", "a"), "not a rollcall.v1.Event");
}

TEST(EventFile, AllProblemsAreListed) {
  const auto e = error_of(R"({"time_zone": "Nowhere", "days": ["x"], "zones": ["a b"]})", "ok");
  EXPECT_CONTAINS(e, "time_zone");
  EXPECT_CONTAINS(e, "day \"x\"");
  EXPECT_CONTAINS(e, "zone \"a b\"");
}

TEST(EventFile, LoadFromDiskNamesTheFile) {
  const std::string path = ::testing::TempDir() + "registry_event_test.json";
  { std::ofstream(path) << R"({"event_id": "e1", "time_zone": "Nope/Nope"})"; }
  try {
    load_event_file(path, "e1");
    ADD_FAILURE() << "no error";
  } catch (const EventConfigError& e) {
    EXPECT_CONTAINS(e.what(), "event file " + path + ": time_zone");
  }
  { std::ofstream(path) << R"({"event_id": "e1", "time_zone": "America/New_York"})"; }
  EXPECT_EQ(load_event_file(path, "e1").time_zone(), "America/New_York");
  std::remove(path.c_str());
  EXPECT_THROW(load_event_file(path), EventConfigError);
}

TEST(EventJson, KeepsProtoFieldNamesAndRoundTrips) {
  auto e = default_event("wsis20-2025");
  e.add_days("2025-07-07");
  e.add_zones("hall_a");
  const auto json = event_to_json(e);
  EXPECT_CONTAINS(json, "\"event_id\":\"wsis20-2025\"");
  EXPECT_CONTAINS(json, "\"time_zone\":\"UTC\"");
  EXPECT_CONTAINS(json, "\"headline\":false");
  EXPECT_EQ(json.find("eventId"), std::string::npos);
  const auto back = parse_event_json(json, "wsis20-2025");
  EXPECT_EQ(back.SerializeAsString(), e.SerializeAsString());
}

TEST(Validators, Ids) {
  EXPECT_TRUE(is_valid_event_id("wsis20-2025"));
  EXPECT_TRUE(is_valid_event_id("a.b_c-d"));
  EXPECT_FALSE(is_valid_event_id("_a"));
  EXPECT_FALSE(is_valid_event_id("a/b"));
  EXPECT_TRUE(is_valid_zone_id("Hall_A.1-x"));
  EXPECT_FALSE(is_valid_zone_id(std::string(65, 'z')));
  EXPECT_FALSE(is_valid_zone_id("a,b"));  // would break the ",a,b," list
  EXPECT_TRUE(is_valid_category_id("private_sector"));
  EXPECT_FALSE(is_valid_category_id(std::string(33, 'a')));
  EXPECT_FALSE(is_valid_category_id("private-sector"));
  EXPECT_TRUE(is_known_time_zone("UTC"));
  EXPECT_TRUE(is_known_time_zone("Europe/Zurich"));
  EXPECT_FALSE(is_known_time_zone(""));
  EXPECT_FALSE(is_known_time_zone("europe/zurich"));
  EXPECT_TRUE(is_valid_clock_time("04:00"));
  EXPECT_TRUE(is_valid_clock_time("23:59"));
  EXPECT_FALSE(is_valid_clock_time("24:00"));
  EXPECT_FALSE(is_valid_clock_time("4:00"));
  EXPECT_FALSE(is_valid_clock_time("04:60"));
}

}  // namespace
}  // namespace rollcall::services::registry
