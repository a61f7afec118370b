// The generator's own model of the counting rules: hand-made timelines with known answers.
#include "tools/scenario/counting_model.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tools/scenario/event_clock.h"

namespace rollcall::tools::scenario {
namespace {

constexpr std::int64_t kHour = 3'600'000;

class CountingModelTest : public ::testing::Test {
 protected:
  CountingModelTest() {
    config_.name = "tiny";
    config_.event.set_event_id("tiny");
    config_.event.add_days("2025-07-07");
    config_.event.add_days("2025-07-08");
    config_.event.add_zones("hall");
    config_.event.add_zones("side");
    auto* minister = config_.event.add_categories();
    minister->set_id("minister");
    minister->set_headline(true);
    config_.event.add_categories()->set_id("youth");
    population_.people = {
        {.role = Role::onsite, .badge_id = "A", .country = "CH", .category = "minister"},
        {.role = Role::onsite, .badge_id = "B", .country = "FR", .category = "youth"},
        {.role = Role::revoked, .badge_id = "R", .country = "FR", .category = "youth"},
        {.role = Role::online_registered, .badge_id = "C", .country = "KE", .category = "youth"},
    };
  }

  void scan(const std::string& id, const std::string& badge, bool in, int day, std::int64_t at,
            const std::string& zone = "hall") {
    Action action;
    action.t_ms = day * kDayMs + at;
    action.scan = {.scan_id = id,
                   .badge_id = badge,
                   .desk_id = "d1",
                   .zone = zone,
                   .in = in,
                   .device_ms = day * kDayMs + at};
    model().apply(action);
  }

  void presence(const std::string& id, bool join, const std::string& participant,
                const std::string& badge = "", const std::string& country = "",
                const std::string& bridge = "zoom-1") {
    Action action;
    action.is_scan = false;
    action.t_ms = kDayMs + 10 * kHour;
    action.bridge = bridge;
    action.presence = {.presence_id = id,
                       .join = join,
                       .participant_id = participant,
                       .badge_id = badge,
                       .country = country,
                       .category = "youth"};
    model().apply(action);
  }

  CountingModel& model() {
    if (!model_) model_ = std::make_unique<CountingModel>(config_, population_);
    return *model_;
  }

  boost::json::object truth() { return model().truth({"2025-07-07", "2025-07-08"}); }

  static std::int64_t at(const boost::json::object& o, std::string_view a,
                         std::string_view b = {}) {
    const auto& value = o.at(a);
    if (b.empty()) return value.as_int64();
    const auto* inner = value.as_object().if_contains(b);
    return inner ? inner->as_int64() : 0;
  }

  ScenarioConfig config_;
  Population population_;
  std::unique_ptr<CountingModel> model_;
};

TEST_F(CountingModelTest, StatusesFollowTheCountingRules) {
  scan("s1", "A", false, 1, 8 * kHour);           // not_inside
  scan("s2", "A", true, 1, 9 * kHour);            // accepted
  scan("s3", "A", true, 1, 9 * kHour + 60'000);   // already_inside
  scan("s4", "A", false, 1, 12 * kHour);          // exit
  scan("s5", "A", true, 1, 13 * kHour);           // reentry (same day)
  scan("s6", "A", true, 1, 15 * kHour, "side");   // reentry (zone change, still inside)
  scan("s6", "A", true, 1, 15 * kHour, "side");   // the same scan_id: a replay, nothing counts
  scan("s7", "A", true, 2, 9 * kHour);            // accepted: yesterday's missed exit is fixed
  scan("s8", "B", true, 0, 18 * kHour);           // wrong_day (the eve)
  scan("s9", "Z", true, 1, 9 * kHour);            // unknown_badge
  scan("s10", "R", true, 1, 9 * kHour);           // revoked
  scan("s11", "http://x/y", true, 1, 9 * kHour);  // malformed: never reaches the counters
  const auto t = truth();
  const auto& statuses = t.at("scans_by_status").as_object();
  EXPECT_EQ(at(statuses, "not_inside"), 1);
  EXPECT_EQ(at(statuses, "accepted"), 2);
  EXPECT_EQ(at(statuses, "already_inside"), 1);
  EXPECT_EQ(at(statuses, "exit"), 1);
  EXPECT_EQ(at(statuses, "reentry"), 2);
  EXPECT_EQ(at(statuses, "wrong_day"), 1);
  EXPECT_EQ(at(statuses, "unknown_badge"), 1);
  EXPECT_EQ(at(statuses, "revoked"), 1);
  EXPECT_FALSE(statuses.contains("malformed"));
  EXPECT_EQ(at(t.at("desk_results").as_object(), "malformed"), 1);
  EXPECT_EQ(at(t.at("desk_results").as_object(), "reentry"), 3);  // the replay shows too
  EXPECT_EQ(at(t, "scan_replays"), 1);

  EXPECT_EQ(at(t, "onsite"), 1);  // A only: B's eve scan does not count
  EXPECT_EQ(at(t, "countries_onsite"), 1);
  EXPECT_EQ(at(t.at("headline").as_object(), "minister"), 1);
  EXPECT_EQ(at(t.at("days").as_object().at("day1").as_object(), "onsite"), 1);
  EXPECT_EQ(at(t.at("days").as_object().at("day2").as_object(), "onsite"), 1);
  EXPECT_EQ(at(t, "inside_now"), 1);
  EXPECT_EQ(at(t.at("inside_by_zone").as_object(), "hall"), 1);
  EXPECT_FALSE(t.at("inside_by_zone").as_object().contains("side"));  // zero entries omitted
}

TEST_F(CountingModelTest, PresenceCountsPeopleOnceAndHybridsInEitherOrder) {
  presence("p1", true, "zoom:a", "A");       // A joins online before coming on site
  scan("s1", "A", true, 1, 9 * kHour);       // then on site: hybrid
  scan("s2", "B", true, 1, 9 * kHour);       // B on site first
  presence("p2", true, "zoom:b", "B");       // then online: hybrid too
  presence("p3", true, "zoom:c", "C");       // registered, online only: country from registry
  presence("p4", true, "zoom:x", "", "NG");  // unregistered
  presence("p5", false, "zoom:x");           // left
  presence("p6", true, "zoom:x", "", "NG");  // rejoined: not a new participant
  presence("p6", true, "zoom:x", "", "NG");  // replayed id: nothing changes
  presence("p7", false, "zoom:ghost");       // already_left
  presence("p8", false, "zoom:x", "", "", "zoom-2");  // another bridge never held zoom:x
  const auto t = truth();
  EXPECT_EQ(at(t, "onsite"), 2);
  EXPECT_EQ(at(t, "remote"), 4);
  EXPECT_EQ(at(t, "hybrid"), 2);
  EXPECT_EQ(at(t, "participants"), 4);
  EXPECT_EQ(at(t.at("remote_by_country").as_object(), "KE"), 1);
  EXPECT_EQ(at(t.at("remote_by_country").as_object(), "NG"), 1);
  EXPECT_EQ(at(t, "countries_remote"), 4);  // CH, FR, KE, NG
  EXPECT_EQ(at(t, "countries_any"), 4);
  const auto& acks = t.at("presence_acks").as_object();
  EXPECT_EQ(at(acks, "joined"), 4);
  EXPECT_EQ(at(acks, "rejoined"), 2);  // p6 and its replay
  EXPECT_EQ(at(acks, "left"), 1);
  EXPECT_EQ(at(acks, "already_left"), 2);
  EXPECT_EQ(at(t, "presence_replays"), 1);
  EXPECT_EQ(at(t, "online_at_end"), 4);
}

}  // namespace
}  // namespace rollcall::tools::scenario
