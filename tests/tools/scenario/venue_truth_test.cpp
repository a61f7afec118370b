// The venue's truth on hand-made events: a person counts once in the venue, once in each
// category they held, once per day; a join with a badge is that badge's person, one without is
// per event; and on generated variants it agrees with the events' own truths and with the plan.
#include "tools/scenario/venue_truth.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>

#include <boost/json.hpp>

#include "tools/scenario/event_clock.h"
#include "tools/scenario/random.h"
#include "tools/scenario/scenario_config.h"

namespace rollcall::tools::scenario {
namespace {

constexpr std::int64_t kHour = 3'600'000;

// One small event and its counting model, fed by hand.
class TinyEvent {
 public:
  TinyEvent(const std::string& id, std::vector<std::string> dates, std::vector<Person> people)
      : dates_(std::move(dates)) {
    config_.name = id;
    config_.event.set_event_id(id);
    for (const auto& d : dates_) config_.event.add_days(d);
    config_.event.add_zones("hall");
    population_.people = std::move(people);
    model_ = std::make_unique<CountingModel>(config_, population_);
  }

  void scan(const std::string& badge, bool in, int day, std::int64_t at) {
    Action action;
    action.t_ms = day * kDayMs + at;
    action.scan = {.scan_id = "s" + std::to_string(++next_),
                   .badge_id = badge,
                   .desk_id = "d1",
                   .zone = "hall",
                   .in = in,
                   .device_ms = day * kDayMs + at};
    model_->apply(action);
  }
  void presence(bool join, const std::string& participant, const std::string& badge = "",
                const std::string& country = "", const std::string& category = "guest") {
    Action action;
    action.is_scan = false;
    action.t_ms = kDayMs + 10 * kHour;
    action.bridge = "zoom-1";
    action.presence = {.presence_id = "p" + std::to_string(++next_),
                       .join = join,
                       .participant_id = participant,
                       .badge_id = badge,
                       .country = country,
                       .category = category,
                       .platform = "zoom",
                       .session = "s"};
    model_->apply(action);
  }
  VenueMember member() const {
    return venue_member(config_.event, population_, model_->attendance());
  }
  boost::json::object truth() const { return model_->truth(dates_); }

 private:
  std::vector<std::string> dates_;
  ScenarioConfig config_;
  Population population_;
  std::unique_ptr<CountingModel> model_;
  int next_ = 0;
};

Person badge(const std::string& id, const std::string& country, const std::string& category,
             const std::string& person = "") {
  return {.role = Role::onsite,
          .badge_id = id,
          .person_id = person,
          .country = country,
          .category = category};
}

std::int64_t at(const boost::json::object& o, std::string_view a, std::string_view b = {}) {
  const auto& value = o.at(a);
  if (b.empty()) return value.as_int64();
  const auto* inner = value.as_object().if_contains(b);
  return inner ? inner->as_int64() : 0;
}

const std::vector<std::string> kWsisDays = {"2025-07-07", "2025-07-08"};
const std::vector<std::string> kAifgDays = {"2025-07-08", "2025-07-09"};

TEST(VenueTruth, APersonOnSiteAtBothEventsCountsOnce) {
  TinyEvent a("a", kWsisDays, {badge("A1", "CH", "minister", "P-1"), badge("A2", "FR", "youth")});
  TinyEvent b("b", kAifgDays, {badge("B1", "CH", "minister", "P-1"), badge("B2", "FR", "youth")});
  a.scan("A1", true, 2, 9 * kHour);  // 2025-07-08
  a.scan("A2", true, 1, 9 * kHour);
  b.scan("B1", true, 1, 14 * kHour);  // 2025-07-08 too
  b.scan("B1", true, 2, 9 * kHour);   // 2025-07-09
  b.scan("B2", true, 1, 9 * kHour);   // another person: A2 and B2 share no person id
  const auto t = venue_truth("v", {a.member(), b.member()});
  EXPECT_EQ(at(t, "onsite"), 3);
  EXPECT_EQ(at(t, "onsite_by_country", "CH"), 1);
  EXPECT_EQ(at(t, "onsite_by_country", "FR"), 2);
  EXPECT_EQ(at(t, "onsite_by_category", "minister"), 1);  // same category at both: once
  EXPECT_EQ(at(t, "participants"), 3);
  const auto& days = t.at("days").as_object();
  EXPECT_EQ(at(days.at("2025-07-08").as_object(), "onsite"), 2);  // P-1 at both that day: once
  EXPECT_EQ(at(days.at("2025-07-08").as_object(), "onsite_by_country", "CH"), 1);
  EXPECT_EQ(at(days.at("2025-07-09").as_object(), "onsite"), 1);
  EXPECT_EQ(at(days.at("2025-07-07").as_object(), "onsite"), 1);
  EXPECT_EQ(at(t, "inside_now"), 3);  // P-1 inside at both: one person inside
  EXPECT_EQ(at(t.at("persons").as_object(), "in_several_events"), 1);
}

TEST(VenueTruth, APersonInTwoCategoriesCountsOncePerCategory) {
  TinyEvent a("a", kWsisDays, {badge("A1", "KE", "regulator", "P-1")});
  TinyEvent b("b", kAifgDays, {badge("B1", "KE", "standards", "P-1")});
  a.scan("A1", true, 1, 9 * kHour);
  b.scan("B1", true, 1, 9 * kHour);
  const auto t = venue_truth("v", {a.member(), b.member()});
  EXPECT_EQ(at(t, "onsite"), 1);
  EXPECT_EQ(at(t, "onsite_by_country", "KE"), 1);
  EXPECT_EQ(at(t, "onsite_by_category", "regulator"), 1);
  EXPECT_EQ(at(t, "onsite_by_category", "standards"), 1);
  const auto& day = t.at("days").at("2025-07-08").as_object();
  EXPECT_EQ(at(day, "onsite"), 1);
  EXPECT_EQ(at(day, "onsite_by_category", "regulator"), 0);  // a was on 07-07
  EXPECT_EQ(at(day, "onsite_by_category", "standards"), 1);
}

TEST(VenueTruth, OnlineAtOneEventAndOnSiteAtTheOtherIsHybridOnce) {
  TinyEvent a("a", kWsisDays, {badge("A1", "BR", "minister", "P-1")});
  TinyEvent b("b", kAifgDays, {badge("B1", "BR", "industry", "P-1")});
  a.scan("A1", true, 1, 9 * kHour);
  b.presence(true, "zoom:1", "B1");
  b.presence(true, "zoom:1", "B1");  // a second connection of the same participant
  const auto t = venue_truth("v", {a.member(), b.member()});
  EXPECT_EQ(at(t, "onsite"), 1);
  EXPECT_EQ(at(t, "remote"), 1);
  EXPECT_EQ(at(t, "hybrid"), 1);
  EXPECT_EQ(at(t, "participants"), 1);
  EXPECT_EQ(at(t, "remote_by_country", "BR"), 1);  // the registry's country, filled in
  EXPECT_EQ(at(t, "remote_by_category", "industry"), 1);
  EXPECT_EQ(at(t, "online_at_end"), 1);
  EXPECT_EQ(at(t, "countries_any"), 1);
  // Neither event alone sees a hybrid person.
  EXPECT_EQ(at(a.truth(), "hybrid"), 0);
  EXPECT_EQ(at(b.truth(), "hybrid"), 0);
}

TEST(VenueTruth, UnlinkedPeopleAndJoinsWithoutABadgeArePerEvent) {
  // The same badge id and the same participant id at two events, without a person id: two
  // people each (a venue never merges people by id coincidence).
  TinyEvent a("a", kWsisDays, {badge("X", "CH", "media")});
  TinyEvent b("b", kAifgDays, {badge("X", "CH", "media")});
  a.scan("X", true, 1, 9 * kHour);
  b.scan("X", true, 1, 9 * kHour);
  a.presence(true, "zoom:anon", "", "DE", "guest");
  b.presence(true, "zoom:anon", "", "DE", "guest");
  b.presence(false, "zoom:anon");
  const auto t = venue_truth("v", {a.member(), b.member()});
  EXPECT_EQ(at(t, "onsite"), 2);
  EXPECT_EQ(at(t, "remote"), 2);
  EXPECT_EQ(at(t, "hybrid"), 0);
  EXPECT_EQ(at(t, "remote_by_country", "DE"), 2);
  EXPECT_EQ(at(t, "remote_by_category", "guest"), 2);
  EXPECT_EQ(at(t, "online_at_end"), 1);  // b's left, a's is still connected
}

TEST(VenueTruth, ALinkedPersonIsOutsideOnlyWhenOutsideEverywhere) {
  TinyEvent a("a", kWsisDays, {badge("A1", "JP", "un", "P-1")});
  TinyEvent b("b", kAifgDays, {badge("B1", "JP", "un", "P-1")});
  a.scan("A1", true, 2, 9 * kHour);
  b.scan("B1", true, 1, 10 * kHour);
  b.scan("B1", false, 1, 11 * kHour);
  EXPECT_EQ(at(venue_truth("v", {a.member(), b.member()}), "inside_now"), 1);
  a.scan("A1", false, 2, 12 * kHour);
  EXPECT_EQ(at(venue_truth("v", {a.member(), b.member()}), "inside_now"), 0);
}

TEST(VenueTruth, OnePersonWithTwoCountriesIsRefused) {
  TinyEvent a("a", kWsisDays, {badge("A1", "CH", "un", "P-1")});
  TinyEvent b("b", kAifgDays, {badge("B1", "FR", "un", "P-1")});
  try {
    venue_truth("v", {a.member(), b.member()});
    FAIL() << "two countries accepted";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("P-1"), std::string::npos) << e.what();
  }
}

// Generated variants: random people, links and attendance at two events. The venue's figures
// equal what the test's own plan says (persons on site anywhere, online anywhere), and a venue
// whose people share no person id adds the two events' own truths up.
TEST(VenueTruth, GeneratedVenuesAgreeWithThePlanAndTheEventTruths) {
  const std::vector<std::string> countries = {"CH", "FR", "KE", "", "BR"};
  const std::vector<std::string> categories = {"minister", "un", "media"};
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    Random r(seed);
    const bool linked = seed % 3 != 0;
    struct Plan {
      bool onsite_a = false, onsite_b = false, online_a = false, online_b = false;
    };
    std::vector<Person> a_people, b_people;
    std::vector<Plan> plans;
    const auto people = r.between(1, 25);
    for (std::int64_t i = 0; i < people; ++i) {
      const auto country = countries[static_cast<std::size_t>(r.between(0, 4))];
      const auto person = linked ? "P-" + std::to_string(i) : std::string();
      a_people.push_back(badge("A" + std::to_string(i), country,
                               categories[static_cast<std::size_t>(r.between(0, 2))], person));
      b_people.push_back(badge("B" + std::to_string(i), country,
                               categories[static_cast<std::size_t>(r.between(0, 2))], person));
      plans.push_back({r.chance(0.5), r.chance(0.4), r.chance(0.3), r.chance(0.3)});
    }
    TinyEvent a("a", kWsisDays, a_people), b("b", kAifgDays, b_people);
    std::set<std::string> onsite_countries;
    std::int64_t onsite = 0, remote = 0, hybrid = 0, anonymous = r.between(0, 5);
    for (std::int64_t i = 0; i < people; ++i) {
      const auto& p = plans[static_cast<std::size_t>(i)];
      const auto n = std::to_string(i);
      if (p.onsite_a) a.scan("A" + n, true, static_cast<int>(r.between(1, 2)), 9 * kHour);
      if (p.onsite_b) b.scan("B" + n, true, static_cast<int>(r.between(1, 2)), 9 * kHour);
      if (p.online_a) a.presence(true, "zoom:a" + n, "A" + n);
      if (p.online_b) b.presence(true, "zoom:b" + n, "B" + n);
      // Linked: one person. Unlinked: one per event.
      const int sites = linked ? (p.onsite_a || p.onsite_b) : (p.onsite_a + p.onsite_b);
      const int online = linked ? (p.online_a || p.online_b) : (p.online_a + p.online_b);
      onsite += sites;
      remote += online;
      hybrid +=
          linked ? (sites && online) : (p.onsite_a && p.online_a) + (p.onsite_b && p.online_b);
    }
    for (std::int64_t i = 0; i < anonymous; ++i) b.presence(true, "zoom:x" + std::to_string(i));
    remote += anonymous;
    const auto t = venue_truth("v", {a.member(), b.member()});
    SCOPED_TRACE("seed " + std::to_string(seed) + (linked ? " linked" : " unlinked"));
    EXPECT_EQ(at(t, "onsite"), onsite);
    EXPECT_EQ(at(t, "remote"), remote);
    EXPECT_EQ(at(t, "hybrid"), hybrid);
    EXPECT_EQ(at(t, "participants"), onsite + remote - hybrid);
    if (!linked) {
      const auto ta = a.truth(), tb = b.truth();
      for (const char* name : {"onsite", "remote", "hybrid", "participants", "inside_now"}) {
        EXPECT_EQ(at(t, name), at(ta, name) + at(tb, name)) << name;
      }
    }
    // A venue of one event is that event.
    const auto alone = venue_truth("v", {a.member()});
    const auto ta = a.truth();
    for (const char* name : {"onsite", "remote", "hybrid", "participants", "inside_now",
                             "countries_onsite", "countries_any"}) {
      EXPECT_EQ(at(alone, name), at(ta, name)) << name;
    }
    EXPECT_EQ(alone.at("onsite_by_country"), ta.at("onsite_by_country"));
    EXPECT_EQ(alone.at("onsite_by_category"), ta.at("onsite_by_category"));
    EXPECT_EQ(alone.at("remote_by_category"), ta.at("remote_by_category"));
  }
}

}  // namespace
}  // namespace rollcall::tools::scenario
