// The wsis20 + aifg25 pair: the main event exactly as generated alone, a realistic overlap of
// linked persons (one id, one name, one country in both registries), deterministic, files the
// importer accepts, and a venue truth that counts each shared person once.
#include "tools/scenario/venue_generator.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <boost/json.hpp>

#include "services/registry/badge_validator.h"
#include "services/registry/country_codes.h"
#include "services/registry/person_links.h"
#include "tools/scenario/event_clock.h"
#include "tools/scenario/scenario_writer.h"
#include "tools/scenario/venue_truth.h"

namespace rollcall::tools::scenario {
namespace {

namespace json = boost::json;

std::int64_t figure(const json::object& o, std::string_view a, std::string_view b = {}) {
  const auto& value = o.at(a);
  if (b.empty()) return value.as_int64();
  const auto* inner = value.as_object().if_contains(b);
  return inner ? inner->as_int64() : 0;
}

std::vector<std::string> category_ids(const ScenarioConfig& c) {
  std::vector<std::string> ids;
  for (const auto& category : c.event.categories()) ids.push_back(category.id());
  return ids;
}

std::string file_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class VenuePair : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    main_ = new ScenarioConfig(load_scenario(ROLLCALL_WSIS20_SCENARIO));
    companion_ = new ScenarioConfig(load_scenario(ROLLCALL_AIFG25_SCENARIO));
    overlap_ = new OverlapModel(
        load_overlap(ROLLCALL_AIFG25_SCENARIO, category_ids(*companion_), category_ids(*main_)));
    countries_ = new CountryList(CountryList::load());
  }
  static void TearDownTestSuite() {
    delete main_;
    delete companion_;
    delete overlap_;
    delete countries_;
    delete full_;
  }
  static GeneratedVenue make(std::uint64_t seed, double scale, std::string last_day = {}) {
    return generate_venue(*main_, *companion_, *overlap_, *countries_,
                          {.seed = seed, .scale = scale, .last_day = std::move(last_day)});
  }
  // The full-scale pair, made once and only for the tests that need it (ctest runs each test in a
  // process of its own).
  static const GeneratedVenue& full() {
    if (!full_) full_ = new GeneratedVenue(make(1, 1));
    return *full_;
  }
  static std::vector<std::string> lines(const GeneratedScenario& s) {
    const EventClock clock(s.event.time_zone(), s.event.days(0));
    std::vector<std::string> out;
    for (const auto& action : s.actions) out.push_back(timeline_line(action, clock));
    return out;
  }

  static ScenarioConfig* main_;
  static ScenarioConfig* companion_;
  static OverlapModel* overlap_;
  static CountryList* countries_;
  static GeneratedVenue* full_;
};
ScenarioConfig* VenuePair::main_ = nullptr;
ScenarioConfig* VenuePair::companion_ = nullptr;
OverlapModel* VenuePair::overlap_ = nullptr;
CountryList* VenuePair::countries_ = nullptr;
GeneratedVenue* VenuePair::full_ = nullptr;

TEST_F(VenuePair, TheMainEventIsExactlyTheOneGeneratedAlone) {
  const auto pair = make(5, 0.05);
  const auto alone = generate(*main_, *countries_, {.seed = 5, .scale = 0.05});
  EXPECT_EQ(lines(pair.main), lines(alone));
  EXPECT_EQ(json::serialize(pair.main.truth), json::serialize(alone.truth));
  ASSERT_EQ(pair.main.population.people.size(), alone.population.people.size());
  for (std::size_t i = 0; i < alone.population.people.size(); ++i) {
    const auto& p = pair.main.population.people[i];
    const auto& q = alone.population.people[i];
    EXPECT_EQ(std::tie(p.badge_id, p.name, p.country, p.category, p.organization),
              std::tie(q.badge_id, q.name, q.country, q.category, q.organization));
  }
  // The companion has its own figures, badges and dates.
  const auto& t = pair.companion.truth;
  EXPECT_EQ(figure(t, "onsite"), 393);  // 7850 * 0.05, rounded
  EXPECT_EQ(pair.companion.event.days(0), "2025-07-08");
  EXPECT_EQ(pair.companion.population.people.front().badge_id.rfind("AIFG25-", 0), 0u);
}

TEST_F(VenuePair, FullScaleHasTheSummitsFiguresAndARealisticOverlap) {
  const auto& v = full();
  const auto& c = v.companion.truth;
  EXPECT_EQ(figure(c, "onsite"), 7850);
  EXPECT_EQ(figure(c, "countries_onsite"), 151);
  EXPECT_EQ(figure(c, "headline", "minister"), 31);
  EXPECT_EQ(figure(c, "headline", "regulator"), 38);
  EXPECT_EQ(figure(c, "headline", "un"), 140);
  EXPECT_GT(figure(c, "remote"), 2 * figure(c, "onsite"));  // a large online audience

  const auto& overlap = v.truth.at("overlap").as_object();
  const double share = overlap.at("share_of_companion").as_double();
  EXPECT_GE(share, 0.15);
  EXPECT_LE(share, 0.25);
  // Concentrated among ministers, regulators, the UN, industry and standards people.
  const auto& by = overlap.at("by_companion_category").as_object();
  auto share_of = [&](const char* category) {
    const auto& o = by.at(category).as_object();
    return static_cast<double>(figure(o, "shared")) / static_cast<double>(figure(o, "registered"));
  };
  for (const char* high : {"regulator", "un", "standards", "industry"}) {
    for (const char* low : {"startup", "youth", "research", "other"}) {
      EXPECT_GT(share_of(high), share_of(low)) << high << " vs " << low;
    }
  }
  // Some shared people are on site at one event and only online at the other, both ways.
  const auto& roles = overlap.at("by_roles").as_object();
  EXPECT_GT(figure(roles, "onsite_main_online_companion"), 0);
  EXPECT_GT(figure(roles, "online_main_onsite_companion"), 0);
  EXPECT_GT(figure(roles, "onsite_main_onsite_companion"), 1000);

  // Each person once: the venue is smaller than the sum by the people on site at both events.
  std::map<std::string, const Person*> main_by_person;
  for (const auto& p : v.main.population.people) {
    if (!p.person_id.empty()) main_by_person[p.person_id] = &p;
  }
  std::int64_t at_both = 0;
  for (const auto& p : v.companion.population.people) {
    const auto other = main_by_person.find(p.person_id);
    if (other == main_by_person.end()) continue;
    if (v.main.attendance.onsite_days.count(other->second->badge_id) &&
        v.companion.attendance.onsite_days.count(p.badge_id)) {
      ++at_both;
    }
  }
  EXPECT_GT(at_both, 1000);
  EXPECT_EQ(figure(v.truth, "onsite"),
            figure(v.main.truth, "onsite") + figure(v.companion.truth, "onsite") - at_both);
  EXPECT_EQ(figure(v.truth, "participants"),
            figure(v.truth, "onsite") + figure(v.truth, "remote") - figure(v.truth, "hybrid"));
  EXPECT_GT(figure(v.truth, "hybrid"),
            figure(v.main.truth, "hybrid") + figure(v.companion.truth, "hybrid"));
  EXPECT_EQ(figure(v.truth.at("persons").as_object(), "in_several_events"),
            figure(overlap, "shared_persons"));
}

TEST_F(VenuePair, SharedPersonsHaveOneIdOneNameOneCountry) {
  const auto& v = full();
  std::map<std::string, const Person*> main_by_person;
  std::set<std::string> main_badges;
  for (const auto& p : v.main.population.people) {
    main_badges.insert(p.badge_id);
    if (p.person_id.empty()) continue;
    EXPECT_TRUE(main_by_person.emplace(p.person_id, &p).second) << p.person_id;
  }
  std::int64_t shared = 0;
  std::set<std::string> companion_ids;
  for (const auto& p : v.companion.population.people) {
    if (p.badge_id.empty()) continue;
    EXPECT_FALSE(p.person_id.empty()) << p.badge_id;  // every companion badge has a person id
    EXPECT_TRUE(companion_ids.insert(p.person_id).second) << p.person_id;
    EXPECT_FALSE(main_badges.count(p.badge_id)) << p.badge_id;
    const auto other = main_by_person.find(p.person_id);
    if (other == main_by_person.end()) continue;
    ++shared;
    EXPECT_EQ(p.name, other->second->name);
    EXPECT_EQ(p.country, other->second->country);
    EXPECT_NE(p.badge_id, other->second->badge_id);
    EXPECT_NE(p.role, Role::revoked);
  }
  EXPECT_EQ(shared, static_cast<std::int64_t>(main_by_person.size()));
  EXPECT_EQ(shared, figure(v.truth.at("overlap").as_object(), "shared_persons"));
}

TEST_F(VenuePair, TheSeedDecidesEverything) {
  const auto a = make(7, 0.05), b = make(7, 0.05), c = make(8, 0.05);
  EXPECT_EQ(lines(a.companion), lines(b.companion));
  EXPECT_EQ(json::serialize(a.truth), json::serialize(b.truth));
  std::vector<std::string> ids_a, ids_b;
  for (const auto& p : a.companion.population.people) ids_a.push_back(p.person_id + p.name);
  for (const auto& p : b.companion.population.people) ids_b.push_back(p.person_id + p.name);
  EXPECT_EQ(ids_a, ids_b);
  EXPECT_NE(lines(a.companion), lines(c.companion));
  EXPECT_NE(json::serialize(a.truth), json::serialize(c.truth));
}

TEST_F(VenuePair, LastDayMovesBothEventsTogether) {
  const auto v = make(4, 0.02, "2026-03-01");
  EXPECT_EQ(v.main.event.days(4), "2026-03-01");
  EXPECT_EQ(v.companion.event.days(0), "2026-02-26");  // the main event's second day, as in 2025
  EXPECT_EQ(v.companion.event.days(3), "2026-03-01");
  EXPECT_TRUE(v.truth.at("days").as_object().contains("2026-02-25"));
  EXPECT_FALSE(v.truth.at("days").as_object().contains("2025-07-08"));
}

TEST_F(VenuePair, FilesAreAcceptedByTheImporterWithOnePersonOneCountry) {
  const auto v = make(9, 0.05);
  const auto dir = std::filesystem::temp_directory_path() /
                   ("rollcall-venue-test-" + std::to_string(::getpid()));
  write_venue(v, dir);
  const auto codes = services::registry::CountryCodes::load();
  std::vector<services::registry::BadgeRow> all;
  std::int64_t with_person = 0;
  for (const auto* s : {&v.main, &v.companion}) {
    const auto event_dir = dir / s->event.event_id();
    std::ifstream in(event_dir / "registry.csv");
    const auto registry = services::registry::read_registry(in, s->event, codes);
    EXPECT_FALSE(registry.fatal);
    EXPECT_TRUE(registry.errors.empty()) << registry.errors.front().message();
    EXPECT_EQ(static_cast<std::int64_t>(registry.badges.size()),
              figure(s->truth, "registry", "badges"));
    for (const auto& row : registry.badges) with_person += row.badge.person_id().empty() ? 0 : 1;
    all.insert(all.end(), registry.badges.begin(), registry.badges.end());
    EXPECT_TRUE(std::filesystem::exists(event_dir / "timeline.jsonl"));
    EXPECT_EQ(json::parse(file_text((event_dir / "truth.json").string())).as_object(), s->truth);
  }
  EXPECT_GT(with_person, figure(v.companion.truth, "registry", "badges"));
  // Both registries as one: no person id with two countries (what venue create refuses).
  EXPECT_TRUE(services::registry::person_link_conflicts(all, {}).empty());
  const auto venue = json::parse(file_text((dir / "venue.json").string())).as_object();
  EXPECT_EQ(venue.at("id").as_string(), "palexpo-2025");
  EXPECT_EQ(venue.at("events").as_array(), (json::array{"wsis20-2025", "aifg25-2025"}));
  EXPECT_EQ(json::parse(file_text((dir / "venue_truth.json").string())).as_object(), v.truth);
  std::filesystem::remove_all(dir);
}

TEST_F(VenuePair, AVenueOfOneEventIsThatEvent) {
  const auto v = make(3, 0.05);
  for (const auto* s : {&v.main, &v.companion}) {
    const auto alone = venue_truth("v", {venue_member(s->event, s->population, s->attendance)});
    for (const char* name :
         {"onsite", "remote", "hybrid", "participants", "inside_now", "online_at_end",
          "countries_onsite", "countries_remote", "countries_any"}) {
      EXPECT_EQ(figure(alone, name), figure(s->truth, name)) << s->config.name << " " << name;
    }
    for (const char* name :
         {"onsite_by_country", "onsite_by_category", "remote_by_country", "remote_by_category"}) {
      EXPECT_EQ(alone.at(name), s->truth.at(name)) << s->config.name << " " << name;
    }
    const auto& dates = s->truth.at("dates").as_object();
    for (const auto& [key, day] : s->truth.at("days").as_object()) {
      const auto& date = dates.at(key).as_string();
      EXPECT_EQ(figure(alone.at("days").at(date).as_object(), "onsite"),
                figure(day.as_object(), "onsite"));
      EXPECT_EQ(alone.at("days").at(date).at("onsite_by_category"), day.at("onsite_by_category"));
    }
  }
}

TEST(Overlap, MistakesAreRefusedWithAReason) {
  const std::vector<std::string> companion = {"minister", "industry"};
  const std::vector<std::string> main = {"minister", "private_sector"};
  auto refused = [&](const std::string& text, const std::string& words) {
    try {
      parse_overlap(text, companion, main);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const ScenarioError& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  const std::string good =
      R"({"overlap": {"with": "wsis20", "venue": {"id": "geneva", "name": "Palexpo"},
          "person_prefix": "P-", "share_by_category": {"minister": 0.5},
          "counterpart": {"industry": ["private_sector"]}, "other_category": 0.1,
          "online_at_other": 0.1}})";
  EXPECT_EQ(parse_overlap(good, companion, main).venue_id, "geneva");
  refused("{}", "no \"overlap\" section");
  auto with = [&](const std::string& from, const std::string& to) {
    auto text = good;
    text.replace(text.find(from), from.size(), to);
    return text;
  };
  refused(with("\"minister\": 0.5", "\"youth\": 0.5"), "youth");
  refused(with("\"minister\": 0.5", "\"minister\": 1.5"), "within 0..1");
  refused(with("[\"private_sector\"]", "[\"industry\"]"), "industry");
  refused(with("\"geneva\"", "\"Geneva!\""), "venue id");
  refused(with("\"P-\"", "\"P/\""), "person_prefix");
}

TEST_F(VenuePair, ACompanionOfAnotherScenarioIsRefused) {
  auto other = *overlap_;
  other.with = "wsis19";
  EXPECT_THROW(generate_venue(*main_, *companion_, other, *countries_, {.seed = 1, .scale = 0.02}),
               ScenarioError);
}

}  // namespace
}  // namespace rollcall::tools::scenario
