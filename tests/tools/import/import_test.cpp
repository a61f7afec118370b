// Runs the built rollcall-import binary against a private redis-server.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "services/store/function_library.h"
#include "services/store/keys.h"
#include "tests/support/redis_server.h"

extern char** environ;

namespace rollcall::tools::import {
namespace {

namespace fs = std::filesystem;
namespace store = rollcall::services::store;
using rollcall::tests::support::RedisServer;

struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::size_t count_lines(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE((text).find(part), std::string::npos) << "looking for: " << (part) << "\nin: " << (text)

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("rollcall-import-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& content) {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
  }

  // Runs rollcall-import with `args`, capturing its exit code, stdout and stderr.
  Outcome run(std::vector<std::string> args) {
    args.insert(args.begin(), ROLLCALL_IMPORT_BIN);
    const auto out_path = dir_ / "stdout", err_path = dir_ / "stderr";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    Outcome result;
    const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      ADD_FAILURE() << "cannot start " << argv[0];
      return result;
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = slurp(out_path);
    result.err = slurp(err_path);
    return result;
  }

  Outcome import(const RedisServer& redis, const std::string& event, const std::string& csv,
                 std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"--event", event, "--registry", csv, "--redis", redis.url()};
    args.insert(args.end(), more.begin(), more.end());
    return run(args);
  }

  static std::string hget(const RedisServer& redis, const std::string& key,
                          const std::string& field) {
    return redis.command({"HGET", key, field});
  }

  fs::path dir_;
};

constexpr const char* kHeader = "badge_id,country,category,name,organization\n";
const char* const kCategories[] = {"minister",      "regulator", "un",        "private_sector",
                                   "civil_society", "youth",     "technical", "academia",
                                   "media",         "other"};
const char* const kCountries[] = {"CH", "fr", "CN", "EG", "BR", "JP", ""};

std::string big_registry(int n) {
  std::string csv = "\xEF\xBB\xBF" + std::string(kHeader);
  for (int i = 0; i < n; ++i) {
    csv += "W" + std::to_string(i) + "," + kCountries[i % 7] + "," + kCategories[i % 10] +
           ",\"Person " + std::to_string(i) + ", محمد 王 🎉\",Org " + std::to_string(i % 97) +
           "\r\n";
  }
  return csv;
}

TEST_F(ImportTest, GoodImportCreatesTheDefaultEventAndEveryBadge) {
  RedisServer redis;
  const auto csv = write("registry.csv", big_registry(11002));
  const auto r = import(redis, "wsis20-2025", csv);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "imported 11002 badges into wsis20-2025 (0 skipped)\n");
  EXPECT_EQ(r.err, "");

  EXPECT_EQ(redis.command({"SMEMBERS", std::string(store::kEventsKey)}), "wsis20-2025");
  // badges, event, events set, the event's set of badge ids, the registry version
  EXPECT_EQ(redis.command({"DBSIZE"}), std::to_string(11002 + 4));
  EXPECT_EQ(redis.command({"GET", store::registry_version_key("wsis20-2025")}), "1");
  ASSERT_EQ(import(redis, "wsis20-2025", csv).code, 0);  // every import raises it
  EXPECT_EQ(redis.command({"GET", store::registry_version_key("wsis20-2025")}), "2");
  const auto badges = store::badges_key("wsis20-2025");
  EXPECT_EQ(redis.command({"SCARD", badges}), "11002");
  EXPECT_EQ(redis.command({"SISMEMBER", badges, "W0"}), "1");
  EXPECT_EQ(redis.command({"SISMEMBER", badges, "W11001"}), "1");
  const auto event = store::event_key("wsis20-2025");
  EXPECT_EQ(hget(redis, event, "days"), "");
  EXPECT_EQ(hget(redis, event, "zones"), "");
  const auto config = hget(redis, event, "config");
  EXPECT_CONTAINS(config, "\"event_id\":\"wsis20-2025\"");
  EXPECT_CONTAINS(config, "\"time_zone\":\"UTC\"");
  EXPECT_CONTAINS(config,
                  "{\"id\":\"minister\",\"label\":\"Ministers and deputy ministers\","
                  "\"headline\":true}");

  const auto b1 = store::badge_key("wsis20-2025", "W1");
  EXPECT_EQ(redis.command({"HGETALL", b1}),
            "country\nFR\ncategory\nregulator\nname\nPerson 1, محمد 王 🎉\norganization\nOrg "
            "1\nrevoked\n0");
  EXPECT_EQ(hget(redis, store::badge_key("wsis20-2025", "W6"), "country"), "");
  EXPECT_EQ(hget(redis, store::badge_key("wsis20-2025", "W11001"), "name"),
            "Person 11001, محمد 王 🎉");
}

TEST_F(ImportTest, ReimportUpdatesRowsAndNeverTouchesCounters) {
  RedisServer redis;
  const auto first = write("a.csv", std::string(kHeader) +
                                        "A1,CH,minister,Old Name,Org\n"
                                        "A2,FR,un,Keep Me,UN\n");
  ASSERT_EQ(import(redis, "e1", first).code, 0);
  const auto counters = store::counters_key("e1");
  redis.command({"HSET", counters, "onsite", "42"});
  redis.command({"HSET", store::badge_key("e1", "A1"), "inside", "hall_a"});  // attendance state

  const auto second = write("b.csv",
                            "badge_id,country,category,name,organization,revoked\n"
                            "A1,CH,minister,New Name,Org,\n"
                            "A3,,media,Third,Press,yes\n");
  const auto r = import(redis, "e1", second);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "imported 2 badges into e1 (0 skipped)\n");
  EXPECT_EQ(hget(redis, store::badge_key("e1", "A1"), "name"), "New Name");
  EXPECT_EQ(hget(redis, store::badge_key("e1", "A1"), "inside"), "hall_a");
  EXPECT_EQ(hget(redis, store::badge_key("e1", "A2"), "name"), "Keep Me");  // not deleted
  EXPECT_EQ(redis.command({"SCARD", store::badges_key("e1")}), "3");        // A1, A2, A3
  EXPECT_EQ(hget(redis, store::badge_key("e1", "A3"), "revoked"), "1");
  EXPECT_EQ(redis.command({"HGETALL", counters}), "onsite\n42");
}

TEST_F(ImportTest, ReimportKeepsWhatADeskReplacedOrRegistered) {
  RedisServer redis;
  redis.command({"FUNCTION", "LOAD", "REPLACE", std::string(store::function_library())});
  const auto csv = write("a.csv", std::string(kHeader) +
                                      "A1,CH,minister,Ana Lima,Org\n"
                                      "A2,FR,un,Ben Roy,UN\n");
  ASSERT_EQ(import(redis, "e1", csv).code, 0);
  // At the desk: A1's badge is lost and replaced by N1; a walk-in W-1 is registered.
  ASSERT_EQ(redis
                .command({"FCALL", "rollcall_replace_badge", "1", "{e1}", "r1", "A1", "N1", "lost",
                          "tok", "1"})
                .substr(0, 6),
            "issued");
  ASSERT_EQ(redis
                .command({"FCALL", "rollcall_register_badge", "1", "{e1}", "w1", "W-1", "BR",
                          "media", "Walk In", "Press", "", "", "tok", "2"})
                .substr(0, 6),
            "issued");
  const auto walk_in = redis.command({"HGETALL", store::badge_key("e1", "W-1")});
  const auto replacement = redis.command({"HGETALL", store::badge_key("e1", "N1")});

  // The same file again, then one that names the desk's badges with other data.
  auto r = import(redis, "e1", csv);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "imported 1 badges into e1 (0 skipped, 1 kept as a desk changed them)\n");
  EXPECT_CONTAINS(r.err, "badge A1 kept");
  const auto other = write("b.csv", std::string(kHeader) +
                                        "A1,CH,minister,Ana Lima,Org\n"
                                        "N1,DE,youth,Someone Else,X\n"
                                        "W-1,JP,other,Overwritten,Y\n"
                                        "A2,FR,un,Ben Roy Jr,UN\n");
  r = import(redis, "e1", other);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "imported 1 badges into e1 (0 skipped, 3 kept as a desk changed them)\n");
  EXPECT_EQ(hget(redis, store::badge_key("e1", "A1"), "revoked"), "1");
  EXPECT_EQ(hget(redis, store::badge_key("e1", "A1"), "replaced_by"), "N1");
  EXPECT_EQ(redis.command({"HGETALL", store::badge_key("e1", "N1")}), replacement);
  EXPECT_EQ(redis.command({"HGETALL", store::badge_key("e1", "W-1")}), walk_in);
  EXPECT_EQ(hget(redis, store::badge_key("e1", "A2"), "name"), "Ben Roy Jr");
  // A file without the walk-in leaves it in the registry.
  ASSERT_EQ(import(redis, "e1", csv).code, 0);
  EXPECT_EQ(redis.command({"SISMEMBER", store::badges_key("e1"), "W-1"}), "1");
  EXPECT_EQ(redis.command({"SCARD", store::badges_key("e1")}), "4");
}

constexpr const char* kPersonHeader = "badge_id,country,category,name,organization,person_id\n";

// A venue as `rollcall-admin venue create` leaves it (docs/venues.md).
void make_venue(const RedisServer& redis, const std::string& venue,
                const std::vector<std::string>& events) {
  std::string field = ",";
  for (const auto& e : events) field += e + ",";
  redis.command({"HSET", store::venue_key(venue), "config", "{}", "events", field});
  redis.command({"SADD", std::string(store::kVenuesKey), venue});
}

TEST_F(ImportTest, PersonIdsLinkBadgesAndAreRecordedForTheEventAndItsVenue) {
  RedisServer redis;
  make_venue(redis, "geneva", {"e1", "e2"});
  const auto csv = write("a.csv", std::string(kPersonHeader) +
                                      "A1,CH,minister,Ana Lima,Org,P-1\n"
                                      "A2,CH,minister,Ana Lima,Org,P-1\n"
                                      "A3,FR,un,Ben Roy,UN,\n");
  const auto r = import(redis, "e1", csv);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "imported 3 badges into e1 (0 skipped)\npersons: 2 badges linked to a person id\n"
            "venue geneva: person links updated\n");
  EXPECT_EQ(hget(redis, store::badge_key("e1", "A1"), "person"), "P-1");
  EXPECT_EQ(hget(redis, store::badge_key("e1", "A2"), "person"), "P-1");
  EXPECT_EQ(redis.command({"HEXISTS", store::badge_key("e1", "A3"), "person"}), "0");
  EXPECT_EQ(redis.command({"HGETALL", store::persons_key("e1")}), "P-1\nCH");
  EXPECT_EQ(redis.command({"HGETALL", store::venue_persons_key("geneva")}), "P-1\nCH");
  // An event outside the venue links within itself only.
  ASSERT_EQ(import(redis, "other", csv).code, 0);
  EXPECT_EQ(redis.command({"HGETALL", store::persons_key("other")}), "P-1\nCH");
  EXPECT_EQ(redis.command({"HLEN", store::venue_persons_key("geneva")}), "1");
}

TEST_F(ImportTest, OnePersonWithTwoCountriesIsRefusedWithTheRowsNamedAndNothingWritten) {
  RedisServer redis;
  make_venue(redis, "geneva", {"e1", "e2"});
  redis.command({"HSET", store::venue_persons_key("geneva"), "P-1", "DE"});
  const auto csv = write("b.csv", std::string(kPersonHeader) +
                                      "B1,CH,minister,Ana Lima,Org,P-1\n"  // line 2: venue DE
                                      "B2,FR,un,Ben Roy,UN,P-2\n"          // line 3
                                      "B3,JP,un,Ben Roy,UN,P-2\n"          // line 4: line 3 FR
                                      "B4,JP,un,Chie Ito,UN,P-3\n");
  auto r = import(redis, "e2", csv);
  EXPECT_EQ(r.code, 1);
  EXPECT_CONTAINS(r.err, "line 2: person_id P-1 is CH here but DE in venue geneva");
  EXPECT_CONTAINS(r.err, "line 4: person_id P-2 is JP here but FR on line 3");
  EXPECT_CONTAINS(r.err, "2 invalid rows");
  EXPECT_EQ(redis.command({"EXISTS", store::badge_key("e2", "B4")}), "0");
  EXPECT_EQ(redis.command({"HLEN", store::venue_persons_key("geneva")}), "1");
  // --skip-invalid imports the others and links them.
  r = import(redis, "e2", csv, {"--skip-invalid"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), "imported 2 badges into e2 (2 skipped)");
  EXPECT_EQ(redis.command({"HGET", store::venue_persons_key("geneva"), "P-3"}), "JP");
  EXPECT_EQ(redis.command({"HGET", store::venue_persons_key("geneva"), "P-1"}), "DE");
}

TEST_F(ImportTest, ABadgesPersonNeverChangesOnceItWasSeen) {
  RedisServer redis;
  redis.command({"FUNCTION", "LOAD", "REPLACE", std::string(store::function_library())});
  ASSERT_EQ(import(redis, "e1",
                   write("a.csv", std::string(kHeader) + "A1,CH,un,Ana Lima,Org\n"
                                                         "A2,CH,un,Ben Roy,Org\n"))
                .code,
            0);
  const auto status =
      redis.command({"FCALL", "rollcall_scan", "1", store::tag("e1"), "s1", "A1", "d1", "hall",
                     "in", "1000", "2000", "2025-07-07", "2025-07-07T09:00", "0"});
  ASSERT_EQ(status.substr(0, status.find('\n')), "accepted");
  // A1 was counted on site as itself: linking it now would make a second person of it.
  const auto r = import(redis, "e1",
                        write("b.csv", std::string(kPersonHeader) + "A1,CH,un,Ana Lima,Org,P-1\n"
                                                                    "A2,CH,un,Ben Roy,Org,P-2\n"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_CONTAINS(r.err, "badge A1 keeps its person: it was already seen");
  EXPECT_CONTAINS(r.out, "persons: 1 badges linked to a person id, 1 kept their person");
  EXPECT_EQ(redis.command({"HEXISTS", store::badge_key("e1", "A1"), "person"}), "0");
  EXPECT_EQ(hget(redis, store::badge_key("e1", "A2"), "person"), "P-2");
  // Unseen, a link can also be taken away again.
  ASSERT_EQ(
      import(redis, "e1", write("c.csv", std::string(kHeader) + "A2,CH,un,Ben Roy,Org\n")).code, 0);
  EXPECT_EQ(redis.command({"HEXISTS", store::badge_key("e1", "A2"), "person"}), "0");
}

TEST_F(ImportTest, TheMatchingRuleLinksTwoRegistriesAndLeavesDuplicatesApart) {
  RedisServer redis;
  const auto a = write("a.csv", std::string(kHeader) +
                                    "A1,CH,minister,Anna Müller,Bundesrat\n"
                                    "A2,FR,un,Li Wei,ITU\n"
                                    "A3,FR,un,LI WEI,itu\n"
                                    "A4,BR,media,Rui Costa,\n");
  const auto b = write("b.csv", std::string(kHeader) +
                                    "X1,CH,un,ANNA MULLER,bundesrat\n"
                                    "X2,BR,media,Rui Costa,Globo\n");
  auto r = import(redis, "e1", a, {"--match-persons"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "persons: 2 badges linked to a person id (2 by the matching rule)");
  EXPECT_CONTAINS(r.err, "line 3: not linked: the same name, country and organization as line 4");
  EXPECT_CONTAINS(r.err, "line 4: not linked: the same name, country and organization as line 3");
  r = import(redis, "e2", b, {"--match-persons"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto anna = hget(redis, store::badge_key("e1", "A1"), "person");
  EXPECT_TRUE(anna.starts_with("m-")) << anna;
  EXPECT_EQ(hget(redis, store::badge_key("e2", "X1"), "person"), anna);
  // Same name and country, another organization: another person.
  EXPECT_NE(hget(redis, store::badge_key("e2", "X2"), "person"),
            hget(redis, store::badge_key("e1", "A4"), "person"));
  EXPECT_EQ(redis.command({"HEXISTS", store::badge_key("e1", "A2"), "person"}), "0");
  // Without the flag nothing is derived.
  r = import(redis, "e3", a);
  ASSERT_EQ(r.code, 0);
  EXPECT_EQ(redis.command({"EXISTS", store::persons_key("e3")}), "0");
}

TEST_F(ImportTest, AShreddedEventTakesNoRegistry) {
  RedisServer redis;
  const auto csv = write("a.csv", std::string(kHeader) + "A1,CH,un,Ana Lima,Org\n");
  ASSERT_EQ(import(redis, "e1", csv).code, 0);
  redis.command({"HSET", store::event_key("e1"), "shredded_ms", "1752278400000"});
  redis.command({"DEL", store::badge_key("e1", "A1")});
  const auto r = import(redis, "e1", csv);
  EXPECT_EQ(r.code, 1);
  EXPECT_CONTAINS(r.err, "event e1 was shredded");
  EXPECT_EQ(redis.command({"EXISTS", store::badge_key("e1", "A1")}), "0");
}

TEST_F(ImportTest, EventFileCreatesAndRefinesTheEvent) {
  RedisServer redis;
  const auto csv = write("r.csv", std::string(kHeader) + "S1,CH,speaker,Ada,Org\n");
  const auto event = store::event_key("wsis20-2025");

  // The default event has no "speaker" category.
  auto r = import(redis, "wsis20-2025", csv);
  EXPECT_EQ(r.code, 1);
  EXPECT_CONTAINS(r.err, "line 2: category \"speaker\" is not a category of event wsis20-2025");

  const auto file = write("event.json", R"({
    "event_id": "wsis20-2025", "name": "WSIS+20", "time_zone": "Europe/Zurich",
    "days": ["2025-07-07", "2025-07-08"], "zones": ["hall_a", "room_1"],
    "categories": [{"id": "speaker", "label": "Speakers", "headline": true}, {"id": "other"}]})");
  r = import(redis, "wsis20-2025", csv, {"--event-file", file});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(hget(redis, event, "days"), ",2025-07-07,2025-07-08,");
  EXPECT_EQ(hget(redis, event, "zones"), ",hall_a,room_1,");
  const auto config = hget(redis, event, "config");
  EXPECT_CONTAINS(config, "\"time_zone\":\"Europe/Zurich\"");
  EXPECT_CONTAINS(config, "\"name\":\"WSIS+20\"");

  // Without an event file the stored config stays and is what rows are checked against.
  r = import(redis, "wsis20-2025", csv);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(hget(redis, event, "config"), config);
  EXPECT_EQ(hget(redis, event, "days"), ",2025-07-07,2025-07-08,");

  // An event file given later refines it again.
  const auto later = write("later.json", R"({"time_zone": "Europe/Zurich", "days": ["2025-07-09"],
    "categories": [{"id": "speaker"}]})");
  r = import(redis, "wsis20-2025", csv, {"--event-file", later});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(hget(redis, event, "days"), ",2025-07-09,");
  EXPECT_EQ(hget(redis, event, "zones"), "");
}

TEST_F(ImportTest, EventFileErrors) {
  RedisServer redis;
  const auto csv = write("r.csv", std::string(kHeader) + "A1,CH,un,Ada,Org\n");
  const auto other = write("other.json", R"({"event_id": "other"})");
  auto r = import(redis, "mine", csv, {"--event-file", other});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(count_lines(r.err), 1u) << r.err;
  EXPECT_CONTAINS(r.err, "it is for event \"other\", not \"mine\"");

  const auto bad = write("bad.json", R"({"time_zone": "Mars/Base", "days": ["2025-02-30"]})");
  r = import(redis, "mine", csv, {"--event-file", bad});
  EXPECT_EQ(r.code, 1);
  EXPECT_CONTAINS(r.err, "time_zone \"Mars/Base\"");
  EXPECT_CONTAINS(r.err, "day \"2025-02-30\"");

  r = import(redis, "mine", csv, {"--event-file", (dir_ / "missing.json").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(redis.command({"DBSIZE"}), "0");
}

const std::string kMixed = std::string(kHeader) +
                           "G1,CH,minister,Good One,Org\n"    // line 2
                           "B1,XY,un,Bad Country,Org\n"       // line 3
                           "G2,,un,\"Good, Two\",UN\n"        // line 4
                           "B2,FR,vip,Bad Category,Org\n"     // line 5
                           "G1,CH,minister,Duplicate,Org\n";  // line 6

TEST_F(ImportTest, BadFileImportsNothing) {
  RedisServer redis;
  const auto r = import(redis, "e2", write("mixed.csv", kMixed));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_CONTAINS(r.err, "line 3: country \"XY\" is not an ISO 3166-1 alpha-2 code\n");
  EXPECT_CONTAINS(r.err, "line 5: category \"vip\" is not a category of event e2\n");
  EXPECT_CONTAINS(r.err, "line 6: badge_id \"G1\" already appears on line 2\n");
  EXPECT_CONTAINS(r.err, "rollcall-import: 3 invalid rows in ");
  EXPECT_EQ(count_lines(r.err), 4u) << r.err;
  EXPECT_EQ(redis.command({"DBSIZE"}), "0");  // not even the event
}

TEST_F(ImportTest, SkipInvalidImportsTheGoodRows) {
  RedisServer redis;
  const auto r = import(redis, "e2", write("mixed.csv", kMixed), {"--skip-invalid"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "imported 2 badges into e2 (3 skipped)\n");
  EXPECT_CONTAINS(r.err, "line 3: country \"XY\"");
  EXPECT_EQ(count_lines(r.err), 3u) << r.err;
  EXPECT_EQ(hget(redis, store::badge_key("e2", "G1"), "name"), "Good One");
  EXPECT_EQ(hget(redis, store::badge_key("e2", "G2"), "name"), "Good, Two");
  EXPECT_EQ(redis.command({"EXISTS", store::badge_key("e2", "B1")}), "0");
  EXPECT_EQ(redis.command({"EXISTS", store::badge_key("e2", "B2")}), "0");
  EXPECT_EQ(redis.command({"SCARD", store::badges_key("e2")}), "2");  // skipped rows left out
}

TEST_F(ImportTest, UnusableFileFailsEvenWithSkipInvalid) {
  RedisServer redis;
  auto r = import(redis, "e3", write("noheader.csv", "A1,CH,un,N,O\n"), {"--skip-invalid"});
  EXPECT_EQ(r.code, 1);
  EXPECT_CONTAINS(r.err, "line 1: the header must be");
  r = import(redis, "e3",
             write("open.csv", std::string(kHeader) + "A1,CH,un,N,O\nA2,CH,un,\"open,O\n"),
             {"--skip-invalid"});
  EXPECT_EQ(r.code, 1);
  EXPECT_CONTAINS(r.err, "line 3: a quoted field is never closed");
  r = import(redis, "e3", (dir_ / "missing.csv").string());
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err,
            "rollcall-import: cannot read registry " + (dir_ / "missing.csv").string() + "\n");
  EXPECT_EQ(redis.command({"DBSIZE"}), "0");
}

TEST_F(ImportTest, InvalidUtf8IsReportedWithItsLine) {
  RedisServer redis;
  const auto r = import(redis, "e4",
                        write("latin1.csv", std::string(kHeader) + "A1,CH,un,Ok,O\n"
                                                                   "A2,FR,un,Jos\xE9,O\n"));
  EXPECT_EQ(r.code, 1);
  EXPECT_CONTAINS(r.err, "line 3: name is not valid UTF-8");
}

TEST_F(ImportTest, HelpExitsZero) {
  const auto r = run({"--help"});
  EXPECT_EQ(r.code, 0);
  for (const char* option :
       {"--event", "--registry", "--event-file", "--skip-invalid", "--redis", "--help"}) {
    EXPECT_CONTAINS(r.out, option);
  }
}

TEST_F(ImportTest, BadUsageExitsTwo) {
  const auto csv = write("r.csv", kHeader);
  for (const auto& args : std::vector<std::vector<std::string>>{
           {},
           {"--registry", csv},
           {"--event", "e"},
           {"--event", "e", "--registry", csv, "--bogus"},
           {"--event", "e", "--registry", csv, "extra"},
           {"--event", "Bad Event", "--registry", csv},
           {"--event", "e", "--registry", csv, "--redis", "http://127.0.0.1"},
           {"--event", "e", "--registry"}}) {
    const auto r = run(args);
    EXPECT_EQ(r.code, 2) << ::testing::PrintToString(args);
    EXPECT_EQ(count_lines(r.err), 1u) << r.err;
    EXPECT_EQ(r.err.rfind("rollcall-import: ", 0), 0u) << r.err;
  }
}

TEST_F(ImportTest, UnreachableRedisExitsOneWithOneLine) {
  const auto csv = write("r.csv", std::string(kHeader) + "A1,CH,un,N,O\n");
  const auto r = run({"--event", "e", "--registry", csv, "--redis", "redis://127.0.0.1:1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(count_lines(r.err), 1u) << r.err;
  EXPECT_CONTAINS(r.err, "rollcall-import: cannot connect to redis at 127.0.0.1:1");
}

TEST_F(ImportTest, PasswordAndDatabaseFromTheUrl) {
  RedisServer redis;
  // Set after start: the fixture's own readiness check does not authenticate.
  redis.command({"CONFIG", "SET", "requirepass", "s3cret"});
  const auto csv = write("r.csv", std::string(kHeader) + "A1,CH,un,N,O\n");
  const auto where = "127.0.0.1:" + std::to_string(redis.port());
  auto r = run({"--event", "e", "--registry", csv, "--redis", "redis://" + where});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(count_lines(r.err), 1u) << r.err;
  EXPECT_CONTAINS(r.err, "NOAUTH");
  r = run({"--event", "e", "--registry", csv, "--redis", "redis://:wrong@" + where});
  EXPECT_EQ(r.code, 1);
  r = run({"--event", "e", "--registry", csv, "--redis", "redis://:s3cret@" + where + "/3"});
  EXPECT_EQ(r.code, 0) << r.err;
  r = run({"--event", "e", "--registry", csv, "--redis", "redis://default:s3cret@" + where});
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST_F(ImportTest, DatabaseNumberIsSelected) {
  RedisServer redis;
  const auto csv = write("r.csv", std::string(kHeader) + "A1,CH,un,N,O\n");
  const auto r = run({"--event", "e", "--registry", csv, "--redis", redis.url() + "/5"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(redis.command({"DBSIZE"}), "0");  // database 0 untouched: it all went to 5
}

}  // namespace
}  // namespace rollcall::tools::import
