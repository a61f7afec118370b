// A person's badges as the exports see them, and the exports and the audit recount of an event
// where a desk registered walk-ins and replaced lost badges while people came and went: written
// by the real Redis Functions, read back as the CLI reads them.
#include "services/export/person_badges.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <sstream>

#include <date/tz.h>

#include "services/checkin/scan_timing.h"
#include "services/export/counter_recount.h"
#include "services/export/export_job.h"
#include "services/registry/csv_reader.h"
#include "services/registry/event_config.h"
#include "services/store/function_library.h"
#include "services/store/keys.h"
#include "tests/support/redis_server.h"
#include "tools/export/event_reader.h"

namespace rollcall::services::exporting {
namespace {

v1::Badge badge(const std::string& id, const std::string& person = "",
                const std::string& replaced_by = "", const std::string& registered_by = "") {
  v1::Badge b;
  b.set_badge_id(id);
  b.set_category("media");
  b.set_person_id(person);
  b.set_replaced_by(replaced_by);
  b.set_revoked(!replaced_by.empty());
  b.set_registered_by(registered_by);
  return b;
}

TEST(PersonBadges, ChainsFoldIntoOnePersonUnderTheCurrentBadge) {
  // Registry order says nothing: the chain is followed by replaced_by.
  const std::vector<v1::Badge> registry = {badge("N2", "A1", "", "tok"), badge("B1"),
                                           badge("A1", "A1", "N1", "tok"), badge("N1", "A1", "N2"),
                                           badge("W-1", "", "", "tok2")};
  const PersonBadges people(registry);
  ASSERT_EQ(people.people().size(), 3u);
  EXPECT_EQ(people.people()[0].current->badge_id(), "B1");
  EXPECT_EQ(people.people()[1].current->badge_id(), "N2");
  EXPECT_EQ(people.people()[1].earlier, (std::vector<std::string>{"A1", "N1"}));
  EXPECT_EQ(people.people()[1].registered_by, "tok");
  EXPECT_EQ(people.people()[2].current->badge_id(), "W-1");
  EXPECT_EQ(people.people()[2].registered_by, "tok2");
  EXPECT_EQ(people.person_of("N1"), "A1");
  EXPECT_EQ(people.person_of("A1"), "A1");
  EXPECT_EQ(people.person_of("unknown"), "unknown");
  ASSERT_NE(people.find("A1"), nullptr);
  EXPECT_EQ(people.find("N1"), nullptr);  // a person is named by the first badge
}

TEST(PersonBadges, ABrokenChainNeverLoopsOrLeavesThePerson) {
  // A hand-edited registry: a cycle and a successor belonging to someone else.
  const std::vector<v1::Badge> registry = {badge("A", "A", "B"), badge("B", "A", "A"),
                                           badge("C", "C", "D"), badge("D")};
  const PersonBadges people(registry);
  ASSERT_EQ(people.people().size(), 3u);
  const auto* a = people.find("A");
  ASSERT_NE(a, nullptr);
  EXPECT_LE(a->earlier.size(), 2u);
  EXPECT_EQ(people.find("C")->current->badge_id(), "C");  // D is another person
}

// An event run through the real Functions: imported badges, walk-ins, replacements (some while
// inside), scans of old and new badges, online joins naming either badge, on two days.
class DeskRegistryEvent : public ::testing::Test {
 protected:
  static constexpr const char* kEvent = "ev";

  void SetUp() override { reset(); }
  void reset() {
    redis_.command({"FLUSHALL"});
    redis_.command({"FUNCTION", "LOAD", "REPLACE", std::string(store::function_library())});
    auto event = registry::default_event(kEvent);
    event.set_time_zone("UTC");
    redis_.command({"HSET", store::event_key(kEvent), "config", registry::event_to_json(event),
                    "days", "", "zones", ""});
  }
  void add(const std::string& id, const std::string& country) {
    redis_.command({"HSET", store::badge_key(kEvent, id), "country", country, "category",
                    "minister", "name", "Name " + id, "organization", "Org", "revoked", "0"});
    redis_.command({"SADD", store::badges_key(kEvent), id});
  }
  std::string fcall(std::vector<std::string> args) {
    const auto reply = redis_.command(args);
    return reply.substr(0, reply.find('\n'));
  }
  // The minute a Function is given is the one of its server time, as the gateway computes it.
  static std::string minute(std::int64_t ms) {
    return checkin::local_minute(ms, date::locate_zone("UTC"));
  }
  std::string scan(const std::string& badge, const std::string& dir, const std::string& day,
                   std::int64_t ms) {
    return fcall({"FCALL", "rollcall_scan", "1", store::tag(kEvent), "s" + std::to_string(++n_),
                  badge, "desk1", "hall", dir, std::to_string(ms), std::to_string(ms), day,
                  minute(ms), "0"});
  }

  tests::support::RedisServer redis_;
  int n_ = 0;
};

TEST_F(DeskRegistryEvent, ExportsFoldPeopleAndTheRecountIsExact) {
  for (int seed = 1; seed <= 4; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    reset();
    std::mt19937 random(static_cast<unsigned>(seed));
    const std::string countries[] = {"CH", "FR", "KE", ""};
    std::vector<std::string> current;  // each person's valid badge
    for (int p = 0; p < 10; ++p) {
      current.push_back("S" + std::to_string(seed) + "P" + std::to_string(p));
      add(current.back(), countries[p % 4]);
    }
    std::set<int> onsite;
    int walk_ins = 0, replaced = 0;
    for (int step = 0; step < 200; ++step) {
      // 2025-07-07T07:00Z, a second a step; the second hundred steps a day later.
      const std::int64_t ms =
          1'751'871'600'000 + (step < 100 ? 0 : 86'400'000) + step * 1000 + seed * 600'000;
      const std::string day = step < 100 ? "2025-07-07" : "2025-07-08";
      const int p = static_cast<int>(random() % current.size());
      const int action = static_cast<int>(random() % 20);
      const auto rid = "S" + std::to_string(seed) + "r" + std::to_string(step);
      if (action == 0) {
        const auto id = "S" + std::to_string(seed) + "W" + std::to_string(step);
        ASSERT_EQ(fcall({"FCALL", "rollcall_register_badge", "1", store::tag(kEvent), rid, id, "BR",
                         "media", "Walk " + id, "", "", "", "tok-desk", std::to_string(ms)}),
                  "issued");
        current.push_back(id);
        ++walk_ins;
      } else if (action <= 2) {
        const auto id = "S" + std::to_string(seed) + "N" + std::to_string(step);
        ASSERT_EQ(fcall({"FCALL", "rollcall_replace_badge", "1", store::tag(kEvent), rid,
                         current[p], id, "lost", "tok-desk", std::to_string(ms)}),
                  "issued");
        EXPECT_EQ(scan(current[p], "in", day, ms), "revoked");
        current[p] = id;
        ++replaced;
      } else if (action == 3) {
        redis_.command({"FCALL",
                        "rollcall_presence",
                        "1",
                        store::tag(kEvent),
                        "bridge:a",
                        "0",
                        std::to_string(ms),
                        day,
                        minute(ms),
                        "bridge",
                        "0",
                        rid,
                        "join",
                        "online-" + std::to_string(p),
                        current[p],
                        "",
                        "",
                        "zoom",
                        "plenary",
                        std::to_string(ms)});
      } else {
        const auto status = scan(current[p], action < 14 ? "in" : "out", day, ms);
        if (status == "accepted") onsite.insert(p);
      }
    }
    std::string error;
    rollcall::redis::SyncSession session(*redis::Url::parse(redis_.url(), &error));
    tools::exporting::EventReader reader(session, kEvent);
    const auto event = reader.event();
    const auto registry = reader.registry();
    const auto live = reader.counters();
    CounterRecount recount(event, registry);
    ExportJob job({Table::attendees, Format::csv, Language::en, 0}, event, registry);
    std::string csv, bytes;
    reader.read_log([&](const std::vector<LogEntry>& entries) {
      for (const auto& entry : entries) {
        recount.feed(entry);
        job.feed(entry);
      }
    });
    job.finish();
    while (job.take(&bytes)) csv += bytes;
    const auto comparison = compare_counters(live.counters, recount.counters());
    for (const auto& d : comparison.differences) {
      ADD_FAILURE() << d.name << " live " << d.live << " recount " << d.recount;
    }
    EXPECT_TRUE(comparison.not_recounted.empty());
    EXPECT_EQ(live.counters.at("walk_ins"), walk_ins);
    if (replaced) EXPECT_EQ(live.counters.at("badges_replaced"), replaced);

    // One attendee row per person, under the current badge, the replaced ones listed.
    std::istringstream in(csv);
    registry::CsvReader reader_csv(in);
    std::vector<std::vector<std::string>> rows;
    while (auto record = reader_csv.next()) rows.push_back(record->fields);
    ASSERT_FALSE(rows.empty());
    EXPECT_EQ(rows[0][5], "earlier_badges");
    EXPECT_EQ(rows[0][6], "registered_by");
    std::set<std::string> listed;
    std::size_t people = 0, attended = 0;
    for (std::size_t r = 1; r < rows.size(); ++r) {
      if (!rows[r][0].starts_with("S" + std::to_string(seed))) continue;  // earlier seeds
      ++people;
      listed.insert(rows[r][0]);
      if (rows[r][7] == "onsite" || rows[r][7] == "both" || rows[r][11] == "onsite" ||
          rows[r][11] == "both") {
        ++attended;
      }
      if (rows[r][0].find('W') != std::string::npos) EXPECT_EQ(rows[r][6], "tok-desk");
      if (rows[r][0].find('N') != std::string::npos) EXPECT_FALSE(rows[r][5].empty());
    }
    EXPECT_EQ(people, current.size());
    EXPECT_EQ(listed, std::set<std::string>(current.begin(), current.end()));
    std::size_t onsite_people = 0;
    for (int p : onsite) onsite_people += p >= 0;
    EXPECT_GE(attended, onsite_people);
  }
}

}  // namespace
}  // namespace rollcall::services::exporting
