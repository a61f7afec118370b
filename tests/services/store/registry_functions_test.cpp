// The desk's registry Functions (walk-ins, lost-badge replacements) and the per-person counting
// they rely on, run for real in a private redis-server.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "services/store/function_library.h"
#include "services/store/keys.h"
#include "tests/support/redis_server.h"

namespace rollcall::services::store {
namespace {

using tests::support::RedisServer;

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto end = text.find('\n', start);
    out.push_back(text.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

class RegistryFunctionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_.command({"FUNCTION", "LOAD", "REPLACE", std::string(function_library())});
    redis_.command({"HSET", event_key("ev"), "days", "", "zones", ""});
    add_badge("B1", "CH", "minister");
    add_badge("B2", "FR", "youth");
  }
  void add_badge(const std::string& id, const std::string& country, const std::string& category,
                 const std::string& revoked = "0") {
    redis_.command({"HSET", badge_key("ev", id), "country", country, "category", category, "name",
                    "Name " + id, "organization", "Org", "revoked", revoked});
    redis_.command({"SADD", badges_key("ev"), id});
  }
  // The scan's reply, one element per line.
  std::vector<std::string> scan(const std::string& scan_id, const std::string& badge,
                                const std::string& dir, const std::string& day = "2025-07-07") {
    return lines(redis_.command({"FCALL", "rollcall_scan", "1", tag("ev"), scan_id, badge, "desk1",
                                 "hall", dir, "1000", "2000", day, day + "T09:00", "0"}));
  }
  std::string status(const std::string& scan_id, const std::string& badge, const std::string& dir,
                     const std::string& day = "2025-07-07") {
    return scan(scan_id, badge, dir, day)[0];
  }
  std::vector<std::string> walk_in(const std::string& request, const std::string& id,
                                   const std::string& first_day = "") {
    return lines(
        redis_.command({"FCALL", "rollcall_register_badge", "1", tag("ev"), request, id, "BR",
                        "media", "Walk " + id, "Press", first_day, "", "tok-desk", "3000"}));
  }
  std::vector<std::string> replace(const std::string& request, const std::string& old_id,
                                   const std::string& new_id) {
    return lines(redis_.command({"FCALL", "rollcall_replace_badge", "1", tag("ev"), request, old_id,
                                 new_id, "lost", "tok-desk", "4000"}));
  }
  std::string counter(const std::string& field) {
    return redis_.command({"HGET", counters_key("ev"), field});
  }
  std::string badge_field(const std::string& id, const std::string& field) {
    return redis_.command({"HGET", badge_key("ev", id), field});
  }
  // Everything a refused request must leave alone.
  std::string footprint() {
    return redis_.command({"XLEN", log_key("ev")}) + "|" +
           redis_.command({"GET", registry_version_key("ev")}) + "|" +
           redis_.command({"GET", tag("ev") + ":seq"}) + "|" +
           redis_.command({"SCARD", badges_key("ev")}) + "|" + redis_.command({"DBSIZE"}) + "|" +
           redis_.command({"HGETALL", counters_key("ev")});
  }
  std::map<std::string, std::string> last_log() {
    const auto entry = lines(redis_.command({"XREVRANGE", log_key("ev"), "+", "-", "COUNT", "1"}));
    std::map<std::string, std::string> fields;
    for (std::size_t i = 1; i + 1 < entry.size(); i += 2) fields[entry[i]] = entry[i + 1];
    return fields;
  }

  RedisServer redis_;
};

TEST_F(RegistryFunctionsTest, AWalkInIsRegisteredOnceLoggedWithWhoAndCounted) {
  const auto seq = redis_.command({"GET", tag("ev") + ":seq"});
  const auto answer = walk_in("w1", "W-ABCDEFGH", "2025-07-08");
  EXPECT_EQ(answer,
            (std::vector<std::string>{"issued", "0", "W-ABCDEFGH", "BR", "media", "Walk W-ABCDEFGH",
                                      "Press", "", "tok-desk", "", "2025-07-08", "", "", "1"}));
  EXPECT_EQ(badge_field("W-ABCDEFGH", "registered_by"), "tok-desk");
  EXPECT_EQ(badge_field("W-ABCDEFGH", "first_day"), "2025-07-08");
  EXPECT_EQ(badge_field("W-ABCDEFGH", "revoked"), "0");
  EXPECT_EQ(redis_.command({"SISMEMBER", badges_key("ev"), "W-ABCDEFGH"}), "1");
  EXPECT_EQ(redis_.command({"GET", registry_version_key("ev")}), "1");
  EXPECT_EQ(counter("walk_ins"), "1");
  EXPECT_NE(redis_.command({"GET", tag("ev") + ":seq"}), seq);
  const auto log = last_log();
  EXPECT_EQ(log.at("type"), "badge_registered");
  EXPECT_EQ(log.at("by"), "tok-desk");
  EXPECT_EQ(log.at("badge_id"), "W-ABCDEFGH");
  EXPECT_EQ(log.count("name"), 0u);  // names stay in the registry, not the log

  // The same request again, even with another id (the gateway made a new one): the original.
  const auto before = footprint();
  auto replay = walk_in("w1", "W-OTHER");
  EXPECT_EQ(replay[1], "1");
  EXPECT_EQ(replay[2], "W-ABCDEFGH");
  EXPECT_EQ(footprint(), before);
  EXPECT_EQ(badge_field("W-OTHER", "category"), "");
  // The walk-in scans like any badge.
  EXPECT_EQ(status("s1", "W-ABCDEFGH", "in"), "accepted");
  EXPECT_EQ(counter("onsite:category:media"), "1");
}

TEST_F(RegistryFunctionsTest, ATakenIdCreatesNothing) {
  walk_in("w1", "W-1");
  for (const auto& [request, id] : std::vector<std::pair<std::string, std::string>>{
           {"w2", "W-1"}, {"w3", "B1"}, {"w4", "B2"}}) {
    const auto before = footprint();
    const auto answer = walk_in(request, id);
    EXPECT_EQ(answer[0], "badge_exists");
    EXPECT_EQ(answer[2], id);
    EXPECT_EQ(footprint(), before);
  }
  EXPECT_EQ(badge_field("B1", "name"), "Name B1");
  // A refusal is not remembered: the same request_id with a free id then succeeds.
  EXPECT_EQ(walk_in("w2", "W-2")[0], "issued");
  EXPECT_EQ(counter("walk_ins"), "2");
}

TEST_F(RegistryFunctionsTest, AReplacementWhileInsideGoesOnAsTheSamePerson) {
  EXPECT_EQ(status("s1", "B1", "in"), "accepted");
  const auto before_inside = counter("inside");
  const auto answer = replace("r1", "B1", "N1");
  EXPECT_EQ(answer, (std::vector<std::string>{"issued", "0", "N1", "CH", "minister", "Name B1",
                                              "Org", "B1", "", "B1", "", "", "", answer[13]}));
  EXPECT_EQ(counter("inside"), before_inside);
  EXPECT_EQ(counter("onsite"), "1");
  EXPECT_EQ(counter("badges_replaced"), "1");
  EXPECT_EQ(redis_.command({"GET", registry_version_key("ev")}), "1");
  EXPECT_EQ(badge_field("B1", "revoked"), "1");
  EXPECT_EQ(badge_field("B1", "revoked_reason"), "replaced");
  EXPECT_EQ(badge_field("B1", "replaced_by"), "N1");
  EXPECT_EQ(badge_field("N1", "person"), "B1");
  auto log = last_log();
  EXPECT_EQ(log.at("type"), "badge_replaced");
  EXPECT_EQ(log.at("new_badge_id"), "N1");
  EXPECT_EQ(log.at("by"), "tok-desk");
  EXPECT_EQ(log.at("reason"), "lost");

  // The old code: revoked, saying why and by what.
  const auto old = scan("s2", "B1", "in");
  EXPECT_EQ(old[0], "revoked");
  EXPECT_EQ(old[15], "replaced");
  EXPECT_EQ(old[16], "N1");
  // The new code: the same person, still inside.
  const auto now = scan("s3", "N1", "in");
  EXPECT_EQ(now[0], "already_inside");
  EXPECT_EQ(now[17], "B1");
  EXPECT_EQ(last_log().at("person"), "B1");
  EXPECT_EQ(status("s4", "N1", "out"), "exit");
  EXPECT_EQ(status("s5", "N1", "in"), "reentry");
  EXPECT_EQ(counter("onsite"), "1");
  EXPECT_EQ(counter("day:2025-07-07:onsite"), "1");
  EXPECT_EQ(counter("inside"), "1");
  EXPECT_EQ(redis_.command({"SMEMBERS", inside_key("ev")}), "B1");
  // A second day counts the person's day once, under the new badge.
  EXPECT_EQ(status("s6", "N1", "in", "2025-07-08"), "accepted");
  EXPECT_EQ(counter("onsite"), "1");
  EXPECT_EQ(counter("day:2025-07-08:onsite"), "1");
  // The end-of-day reset finds the person's state.
  redis_.command({"FCALL", "rollcall_reset_inside", "1", tag("ev"), "2025-07-09"});
  EXPECT_EQ(counter("inside"), "0");
}

TEST_F(RegistryFunctionsTest, RefusedReplacementsChangeNothing) {
  add_badge("X1", "DE", "other", "1");  // revoked in the imported registry
  replace("r1", "B1", "N1");
  for (const auto& [request, old_id, new_id, expected, detail] :
       std::vector<std::tuple<std::string, std::string, std::string, std::string, std::string>>{
           {"r2", "B1", "N2", "already_replaced", "N1"},
           {"r3", "X1", "N3", "already_replaced", ""},
           {"r4", "NOPE", "N4", "unknown_badge", ""},
           {"r5", "B2", "N1", "badge_exists", ""},
           {"r6", "B2", "B2", "badge_exists", ""},
           {"r7", "B2", "B1", "badge_exists", ""}}) {
    const auto before = footprint();
    const auto answer = replace(request, old_id, new_id);
    EXPECT_EQ(answer[0], expected) << request;
    EXPECT_EQ(answer[12], detail) << request;
    EXPECT_EQ(footprint(), before) << request;
  }
  EXPECT_EQ(badge_field("B2", "revoked"), "0");
  // The replay of the winner still answers as it did.
  const auto replay = replace("r1", "B1", "N9");
  EXPECT_EQ(replay[0], "issued");
  EXPECT_EQ(replay[1], "1");
  EXPECT_EQ(replay[2], "N1");
}

TEST_F(RegistryFunctionsTest, AChainOfReplacementsKeepsTheFirstPersonAndTheWalkInsRegistrar) {
  walk_in("w1", "W-1", "2025-07-08");
  EXPECT_EQ(status("s1", "W-1", "in"), "accepted");
  EXPECT_EQ(replace("r1", "W-1", "N1")[0], "issued");
  const auto second = replace("r2", "N1", "N2");
  EXPECT_EQ(second[7], "W-1");       // person
  EXPECT_EQ(second[8], "tok-desk");  // registered_by goes with the person
  EXPECT_EQ(second[10], "2025-07-08");
  EXPECT_EQ(status("s2", "N2", "in"), "already_inside");
  EXPECT_EQ(status("s3", "N1", "in"), "revoked");
  EXPECT_EQ(status("s4", "W-1", "out"), "revoked");
  EXPECT_EQ(counter("onsite"), "1");
  EXPECT_EQ(counter("walk_ins"), "1");
  EXPECT_EQ(counter("badges_replaced"), "2");
}

TEST_F(RegistryFunctionsTest, HybridIsCountedPerPersonAcrossBadges) {
  const auto join = [&](const std::string& id, const std::string& who, const std::string& badge) {
    redis_.command({"FCALL",
                    "rollcall_presence",
                    "1",
                    tag("ev"),
                    "bridge:a",
                    "0",
                    "5000",
                    "2025-07-07",
                    "2025-07-07T10:00",
                    "bridge",
                    "0",
                    id,
                    "join",
                    who,
                    badge,
                    "",
                    "",
                    "zoom",
                    "plenary",
                    "5000"});
  };
  join("j1", "ana-zoom", "B1");  // online with the old badge
  replace("r1", "B1", "N1");
  EXPECT_EQ(status("s1", "N1", "in"), "accepted");  // on site with the new one
  EXPECT_EQ(counter("hybrid"), "1");
  join("j2", "ana-phone", "N1");  // and online with the new one: still one person
  EXPECT_EQ(counter("hybrid"), "1");
  // The other way round: on site first, then online under the new badge.
  EXPECT_EQ(status("s2", "B2", "in"), "accepted");
  replace("r2", "B2", "N2");
  join("j3", "ben-zoom", "N2");
  EXPECT_EQ(counter("hybrid"), "2");
}

// Many people, scans and replacements in a random order: whatever the badges, the counters are
// those of the people behind them.
TEST_F(RegistryFunctionsTest, RandomScansAndReplacementsCountPeopleNotBadges) {
  for (int seed = 1; seed <= 5; ++seed) {
    redis_.command({"FLUSHALL"});
    redis_.command({"HSET", event_key("ev"), "days", "", "zones", ""});
    std::mt19937 random(static_cast<unsigned>(seed));
    constexpr int kPeople = 12;
    std::vector<std::string> current;  // each person's valid badge
    std::map<std::string, int> person_of;
    for (int p = 0; p < kPeople; ++p) {
      current.push_back("P" + std::to_string(p));
      add_badge(current.back(), "CH", "minister");
      person_of[current.back()] = p;
    }
    std::set<int> entered, inside;
    int scans = 0, replaced = 0;
    for (int step = 0; step < 300; ++step) {
      const int p = static_cast<int>(random() % kPeople);
      const int action = static_cast<int>(random() % 10);
      if (action == 0) {
        const auto new_id = "R" + std::to_string(step);
        ASSERT_EQ(replace("rq" + std::to_string(step), current[p], new_id)[0], "issued");
        // The revoked badge refuses entry and changes nothing.
        ASSERT_EQ(status("old" + std::to_string(step), current[p], "in"), "revoked");
        current[p] = new_id;
        person_of[new_id] = p;
        ++replaced;
      } else {
        const bool in = action <= 6;
        const auto got = status("s" + std::to_string(step), current[p], in ? "in" : "out");
        const std::string expected = in ? (inside.count(p)    ? "already_inside"
                                           : entered.count(p) ? "reentry"
                                                              : "accepted")
                                        : (inside.count(p) ? "exit" : "not_inside");
        ASSERT_EQ(got, expected) << "seed " << seed << " step " << step;
        if (in) {
          entered.insert(p);
          inside.insert(p);
        } else {
          inside.erase(p);
        }
        ++scans;
      }
    }
    EXPECT_EQ(counter("onsite"), entered.empty() ? "" : std::to_string(entered.size()));
    EXPECT_EQ(std::stoi("0" + counter("inside")), static_cast<int>(inside.size()));
    EXPECT_EQ(redis_.command({"SCARD", inside_key("ev")}), std::to_string(inside.size()));
    EXPECT_EQ(counter("badges_replaced"), replaced ? std::to_string(replaced) : "");
    EXPECT_GT(scans, 200);
  }
}

}  // namespace
}  // namespace rollcall::services::store
