// The wsis20 scenario: the reference figures come out exactly, deterministically, and in files
// the rest of rollcall accepts.
#include "tools/scenario/scenario_generator.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <boost/json.hpp>

#include "services/registry/badge_validator.h"
#include "services/registry/country_codes.h"
#include "tools/scenario/event_clock.h"
#include "tools/scenario/scenario_writer.h"

namespace rollcall::tools::scenario {
namespace {

std::int64_t figure(const boost::json::object& o, std::string_view a, std::string_view b = {}) {
  const auto& value = o.at(a);
  if (b.empty()) return value.as_int64();
  const auto* inner = value.as_object().if_contains(b);
  return inner ? inner->as_int64() : 0;
}

class Wsis20 : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scenario_ = new ScenarioConfig(load_scenario(ROLLCALL_WSIS20_SCENARIO));
    countries_ = new CountryList(CountryList::load());
  }
  static void TearDownTestSuite() {
    delete scenario_;
    delete countries_;
  }
  static GeneratedScenario make(std::uint64_t seed, double scale) {
    return generate(*scenario_, *countries_, {.seed = seed, .scale = scale});
  }
  static std::vector<std::string> lines(const GeneratedScenario& s) {
    const EventClock clock(s.event.time_zone(), s.event.days(0));
    std::vector<std::string> out;
    for (const auto& action : s.actions) out.push_back(timeline_line(action, clock));
    return out;
  }

  static ScenarioConfig* scenario_;
  static CountryList* countries_;
};
ScenarioConfig* Wsis20::scenario_ = nullptr;
CountryList* Wsis20::countries_ = nullptr;

TEST_F(Wsis20, FullScaleHasTheReferenceFigures) {
  const auto s = make(1, 1);
  const auto& t = s.truth;
  EXPECT_EQ(figure(t, "onsite"), 11046);
  EXPECT_EQ(figure(t, "countries_onsite"), 169);
  EXPECT_EQ(figure(t, "headline", "minister"), 59);
  EXPECT_EQ(figure(t, "headline", "regulator"), 56);
  EXPECT_EQ(figure(t, "headline", "un"), 64);
  EXPECT_GT(figure(t, "remote"), figure(t, "onsite"));  // more online than on site
  EXPECT_EQ(figure(t, "hybrid"), 1250);
  EXPECT_EQ(figure(t, "participants"),
            figure(t, "onsite") + figure(t, "remote") - figure(t, "hybrid"));
  EXPECT_EQ(t.at("onsite_by_country").at("").as_int64(),
            64);  // UN staff register without a country
  EXPECT_GT(figure(t, "onsite_by_country", "CH"), figure(t, "onsite_by_country", "FR"));
  // The long tail: many delegations of one to three people.
  int tail = 0;
  for (const auto& [code, count] : t.at("onsite_by_country").as_object()) {
    if (!code.empty() && count.as_int64() <= 3) ++tail;
  }
  EXPECT_GT(tail, 60);
  // Every kind of irregularity is in the timeline.
  const auto& notes = t.at("timeline").at("notes").as_object();
  for (const char* note :
       {"duplicate", "offline_replay", "eve", "unknown_badge", "malformed", "revoked", "stray"}) {
    EXPECT_GT(figure(notes, note), 0) << note;
  }
  for (const char* status : {"accepted", "reentry", "exit", "already_inside", "not_inside",
                             "unknown_badge", "revoked", "wrong_day"}) {
    EXPECT_GT(figure(t, "scans_by_status", status), 0) << status;
  }
  EXPECT_GT(figure(t, "registry", "no_shows"), 0);
  for (int day = 1; day <= 5; ++day) {
    EXPECT_GT(figure(t.at("days").as_object(), "day" + std::to_string(day), "onsite"), 1000);
  }
}

TEST_F(Wsis20, TheSeedDecidesEverything) {
  const auto a = make(7, 0.05), b = make(7, 0.05), c = make(8, 0.05);
  EXPECT_EQ(lines(a), lines(b));
  EXPECT_EQ(boost::json::serialize(a.truth), boost::json::serialize(b.truth));
  EXPECT_NE(lines(a), lines(c));
}

TEST_F(Wsis20, ScaledDownKeepsTheProportions) {
  const auto s = make(3, 0.05);
  EXPECT_EQ(figure(s.truth, "onsite"), 552);  // 11046 * 0.05, rounded
  EXPECT_EQ(figure(s.truth, "headline", "minister"), 3);
  EXPECT_EQ(figure(s.truth, "headline", "regulator"), 3);
  EXPECT_EQ(figure(s.truth, "headline", "un"), 3);
  EXPECT_EQ(figure(s.truth, "hybrid"), 63);
  EXPECT_GT(figure(s.truth, "remote"), figure(s.truth, "onsite"));
  EXPECT_GT(figure(s.truth, "countries_onsite"), 100);
}

TEST_F(Wsis20, TimelineIsInSendingOrderAndOfflineScansComeLate) {
  const auto s = make(5, 0.05);
  std::set<std::string> scan_ids;
  std::int64_t previous = 0;
  for (const auto& action : s.actions) {
    ASSERT_GE(action.t_ms, previous);
    previous = action.t_ms;
    if (!action.is_scan) continue;
    const bool seen = !scan_ids.insert(action.scan.scan_id).second;
    EXPECT_EQ(seen, action.note == Note::duplicate) << action.scan.scan_id;
    if (action.note == Note::offline_replay) EXPECT_GT(action.t_ms, action.scan.device_ms);
    if (action.note == Note::none) EXPECT_EQ(action.t_ms, action.scan.device_ms);
  }
}

TEST_F(Wsis20, RegistryAndEventFileAreAcceptedByTheImporter) {
  const auto s = make(9, 0.05);
  const auto dir = std::filesystem::temp_directory_path() /
                   ("rollcall-scenario-test-" + std::to_string(::getpid()));
  write_scenario(s, {.seed = 9, .scale = 0.05}, dir);
  std::ifstream in(dir / "registry.csv");
  const auto registry =
      services::registry::read_registry(in, s.event, services::registry::CountryCodes::load());
  EXPECT_FALSE(registry.fatal);
  EXPECT_TRUE(registry.errors.empty()) << registry.errors.front().message();
  EXPECT_EQ(static_cast<std::int64_t>(registry.badges.size()),
            figure(s.truth, "registry", "badges"));
  std::ifstream timeline(dir / "timeline.jsonl");
  std::string header;
  std::getline(timeline, header);
  EXPECT_NE(header.find("\"type\":\"header\""), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_F(Wsis20, LastDayMovesTheDatesOnly) {
  auto moved =
      generate(*scenario_, *countries_, {.seed = 4, .scale = 0.02, .last_day = "2026-03-01"});
  const auto same = make(4, 0.02);
  ASSERT_EQ(moved.event.days_size(), 5);
  EXPECT_EQ(moved.event.days(0), "2026-02-25");
  EXPECT_EQ(moved.event.days(4), "2026-03-01");
  EXPECT_EQ(moved.truth.at("dates").at("day1").as_string(), "2026-02-25");
  EXPECT_EQ(figure(moved.truth, "onsite"), figure(same.truth, "onsite"));
}

TEST(EventClock, ScenarioTimesAreLocalTimesOfTheEventZone) {
  const EventClock clock("Europe/Zurich", "2025-07-07");
  // 09:00 on day 1 in Geneva is 07:00 UTC in summer.
  EXPECT_EQ(clock.rfc3339(1 * kDayMs + 9 * 3'600'000), "2025-07-07T07:00:00.000Z");
  EXPECT_EQ(clock.date_of_day(0), "2025-07-06");
  EXPECT_EQ(days_ending("2025-03-01", 3),
            (std::vector<std::string>{"2025-02-27", "2025-02-28", "2025-03-01"}));
  EXPECT_EQ(resolve_day("2025-07-11", "Europe/Zurich", 0), "2025-07-11");
  // 2025-07-10 23:30 UTC is already the 11th in Geneva.
  EXPECT_EQ(resolve_day("today", "Europe/Zurich", 1752190200000), "2025-07-11");
  EXPECT_EQ(resolve_day("yesterday", "Europe/Zurich", 1752190200000), "2025-07-10");
  EXPECT_THROW(resolve_day("soon", "Europe/Zurich", 0), std::runtime_error);
}

TEST(ScenarioFile, MistakesAreRefusedWithAReason) {
  EXPECT_THROW(parse_scenario("[]"), ScenarioError);
  EXPECT_THROW(parse_scenario("{\"scenario\": \"x\"}"), ScenarioError);
  try {
    parse_clock("25:00");
    FAIL() << "25:00 accepted";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("25:00"), std::string::npos);
  }
  EXPECT_EQ(parse_clock("08:50"), 530);
}

TEST(ScenarioFile, UnknownCountryCodesAreRefused) {
  std::ifstream in(ROLLCALL_WSIS20_SCENARIO);
  std::stringstream text;
  text << in.rdbuf();
  auto json = text.str();
  const auto at = json.find("\"CH\": 1650");
  ASSERT_NE(at, std::string::npos);
  json.replace(at, 4, "\"XQ\"");
  const auto config = parse_scenario(json);
  EXPECT_THROW(generate(config, CountryList::load(), {.seed = 1, .scale = 0.05}), ScenarioError);
}

}  // namespace
}  // namespace rollcall::tools::scenario
