// Check-ins by hand through the real rollcall_scan function (arguments 14 manual and 15 note) on
// a private redis-server: counted once like a scan, marked in the log, replays change nothing.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <sstream>

#include "services/store/function_library.h"
#include "services/store/keys.h"
#include "tests/support/redis_server.h"

namespace rollcall::services::store {
namespace {

using tests::support::RedisServer;

class ManualScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_.command({"FUNCTION", "LOAD", "REPLACE", std::string(function_library())});
    redis_.command({"HSET", event_key("ev"), "days", "", "zones", ""});
    for (const auto& [id, revoked] : std::vector<std::pair<std::string, std::string>>{
             {"B1", "0"}, {"B2", "0"}, {"B3", "0"}, {"B4", "0"}, {"R1", "1"}}) {
      redis_.command({"HSET", badge_key("ev", id), "country", "CH", "category", "minister", "name",
                      "Name " + id, "organization", "Org", "revoked", revoked});
    }
  }

  // The reply's lines.
  static std::vector<std::string> lines(const std::string& reply) {
    std::vector<std::string> out;
    std::istringstream in(reply);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

  // A check-in by hand (manual: the reason word; empty for a scan), as the gateway calls it.
  std::vector<std::string> call(const std::string& id, const std::string& badge,
                                const std::string& dir, const std::string& manual,
                                const std::string& note, const std::string& desk = "reg-1",
                                const std::string& max_desks = "500") {
    return lines(redis_.command({"FCALL", "rollcall_scan", "1", tag("ev"), id, badge, desk, "hall",
                                 dir, "1000", "2000", "2025-07-07", "2025-07-07T09:00", "0",
                                 max_desks, "0", "", manual, note}));
  }

  std::string counter(const std::string& field) {
    return redis_.command({"HGET", counters_key("ev"), field});
  }
  std::string seq() { return redis_.command({"GET", tag("ev") + ":seq"}); }
  std::string log_length() { return redis_.command({"XLEN", log_key("ev")}); }

  // The last log entry's fields.
  std::map<std::string, std::string> last_entry() {
    const auto reply = lines(redis_.command({"XREVRANGE", log_key("ev"), "+", "-", "COUNT", "1"}));
    std::map<std::string, std::string> fields;
    // id, then field/value pairs, one per line.
    for (std::size_t i = 1; i + 1 < reply.size(); i += 2) fields[reply[i]] = reply[i + 1];
    return fields;
  }

  RedisServer redis_;
};

TEST_F(ManualScanTest, CountsOnceLikeAScanAndIsMarkedInTheLog) {
  const std::string note = "laissé à l'hôtel — 酒店 🙂";
  const auto reply = call("m1", "B1", "in", "badge_forgotten", note);
  ASSERT_GE(reply.size(), 2u);
  EXPECT_EQ(reply[0], "accepted");
  EXPECT_EQ(reply[1], "0");
  EXPECT_EQ(counter("onsite"), "1");
  EXPECT_EQ(counter("inside"), "1");
  EXPECT_EQ(counter("scans:accepted"), "1");
  EXPECT_EQ(counter("desk:reg-1:scans"), "1");
  EXPECT_EQ(counter("manual:badge_forgotten"), "1");
  EXPECT_EQ(counter("desk:reg-1:manual"), "1");
  auto entry = last_entry();
  EXPECT_EQ(entry["type"], "scan");
  EXPECT_EQ(entry["scan_id"], "m1");
  EXPECT_EQ(entry["manual"], "badge_forgotten");
  EXPECT_EQ(entry["note"], note);
  EXPECT_EQ(entry["desk_id"], "reg-1");

  // The person is inside now, whichever way they came in: a scan of the badge sees that, and
  // is no check-in by hand.
  EXPECT_EQ(call("s1", "B1", "in", "", "")[0], "already_inside");
  entry = last_entry();
  EXPECT_EQ(entry.count("manual"), 0u);
  EXPECT_EQ(entry.count("note"), 0u);
  EXPECT_EQ(counter("manual:badge_forgotten"), "1");
  EXPECT_EQ(counter("desk:reg-1:manual"), "1");
  EXPECT_EQ(counter("desk:reg-1:scans"), "2");
}

TEST_F(ManualScanTest, ReplaysReturnTheStoredOutcomeAndChangeNothing) {
  EXPECT_EQ(call("m1", "B1", "in", "badge_unreadable", "")[0], "accepted");
  const auto seq_before = seq();
  const auto counters_before = redis_.command({"HGETALL", counters_key("ev")});
  // The id decides, not the payload: another badge, reason, direction or desk changes nothing.
  for (const auto& [badge, dir, reason, desk] :
       std::vector<std::tuple<std::string, std::string, std::string, std::string>>{
           {"B1", "in", "badge_unreadable", "reg-1"},
           {"B2", "in", "badge_forgotten", "reg-1"},
           {"B1", "out", "other", "reg-2"},
           {"R1", "in", "", "reg-1"}}) {
    const auto reply = call("m1", badge, dir, reason, "again");
    ASSERT_GE(reply.size(), 3u);
    EXPECT_EQ(reply[0], "accepted");
    EXPECT_EQ(reply[1], "1");  // a replay
    EXPECT_EQ(reply[2], "B1");
  }
  EXPECT_EQ(seq(), seq_before);
  EXPECT_EQ(redis_.command({"HGETALL", counters_key("ev")}), counters_before);
  EXPECT_EQ(log_length(), "1");
}

TEST_F(ManualScanTest, RefusedCheckInsAreLoggedButNotCountedAsManual) {
  EXPECT_EQ(call("m1", "NOPE", "in", "badge_forgotten", "")[0], "unknown_badge");
  EXPECT_EQ(last_entry()["manual"], "badge_forgotten");
  EXPECT_EQ(call("m2", "R1", "in", "other", "says it was stolen")[0], "revoked");
  EXPECT_EQ(last_entry()["manual"], "other");
  EXPECT_EQ(counter("scans:unknown_badge"), "1");
  EXPECT_EQ(counter("scans:revoked"), "1");
  EXPECT_EQ(counter("desk:reg-1:rejected"), "2");
  EXPECT_EQ(counter("manual:badge_forgotten"), "");
  EXPECT_EQ(counter("manual:other"), "");
  EXPECT_EQ(counter("desk:reg-1:manual"), "");
  // Exits by hand and their warnings count: the desk let the person through (or out).
  EXPECT_EQ(call("m3", "B2", "out", "badge_unreadable", "")[0], "not_inside");
  EXPECT_EQ(call("m4", "B2", "in", "badge_unreadable", "")[0], "accepted");
  EXPECT_EQ(call("m5", "B2", "out", "badge_unreadable", "")[0], "exit");
  EXPECT_EQ(counter("manual:badge_unreadable"), "3");
  EXPECT_EQ(counter("desk:reg-1:manual"), "3");
}

TEST_F(ManualScanTest, OnlyKnownReasonsMakeACheckInByHand) {
  // A word that is no reason (the gateway sends none such) is no mark and no counter name.
  for (const std::string word :
       {"", "hacked", "manual_reason_unspecified", "badge_forgotten:x", "BADGE_FORGOTTEN"}) {
    EXPECT_NE(call("w-" + word, "B3", "in", word, "n")[0], "");
    EXPECT_EQ(last_entry().count("manual"), 0u) << word;
  }
  const auto all = lines(redis_.command({"HKEYS", counters_key("ev")}));
  for (const auto& field : all) {
    EXPECT_FALSE(field.starts_with("manual:")) << field;
    EXPECT_FALSE(field.ends_with(":manual")) << field;
  }
}

TEST_F(ManualScanTest, UntrackedAndForgottenDesks) {
  // The event tracks one desk: the second's check-in counts, without its desk counters.
  EXPECT_EQ(call("m1", "B1", "in", "badge_forgotten", "", "reg-1", "1")[0], "accepted");
  const auto reply = call("m2", "B2", "in", "badge_forgotten", "", "reg-2", "1");
  EXPECT_EQ(reply[0], "accepted");
  EXPECT_EQ(reply.at(13), "full");
  EXPECT_EQ(counter("manual:badge_forgotten"), "2");
  EXPECT_EQ(counter("desk:reg-1:manual"), "1");
  EXPECT_EQ(counter("desk:reg-2:manual"), "");
  // Forgetting the desk takes its manual counter with the others.
  redis_.command({"FCALL", "rollcall_forget_desk", "1", tag("ev"), "reg-1", "3000"});
  EXPECT_EQ(counter("desk:reg-1:manual"), "");
  EXPECT_EQ(counter("desk:reg-1:scans"), "");
  EXPECT_EQ(counter("manual:badge_forgotten"), "2");  // the check-ins stay counted
}

// Generated: scans and check-ins by hand of four badges in random order, with replays of earlier
// ids; manual:REASON ends as the number of distinct check-in ids by hand that were not refused,
// and desk:reg-1:manual as their sum.
TEST_F(ManualScanTest, GeneratedMixCountsEachCheckInOnce) {
  std::mt19937 rng(1414);
  const std::vector<std::string> reasons = {"badge_forgotten", "badge_unreadable", "other"};
  const std::vector<std::string> badges = {"B1", "B2", "B3", "B4", "R1", "NOPE"};
  std::map<std::string, std::string> reason_of;  // id -> reason ("" for a scan)
  std::map<std::string, std::string> status_of;
  std::vector<std::string> ids;
  for (int i = 0; i < 400; ++i) {
    const bool replay = !ids.empty() && rng() % 4 == 0;
    const auto id = replay ? ids[rng() % ids.size()] : "id-" + std::to_string(i);
    const bool manual = rng() % 2 == 0;
    const auto reason = manual ? reasons[rng() % reasons.size()] : "";
    const auto reply = call(id, badges[rng() % badges.size()], rng() % 3 ? "in" : "out", reason,
                            manual ? "note " + std::to_string(i) : "");
    ASSERT_GE(reply.size(), 2u);
    if (replay) {
      EXPECT_EQ(reply[1], "1");
      EXPECT_EQ(reply[0], status_of[id]);
      continue;
    }
    EXPECT_EQ(reply[1], "0");
    ids.push_back(id);
    reason_of[id] = reason;
    status_of[id] = reply[0];
  }
  const std::set<std::string> refused = {"unknown_badge", "revoked"};
  std::map<std::string, int> expected;
  int total = 0;
  for (const auto& [id, reason] : reason_of) {
    if (reason.empty() || refused.contains(status_of[id])) continue;
    ++expected[reason];
    ++total;
  }
  for (const auto& reason : reasons) {
    EXPECT_EQ(counter("manual:" + reason), std::to_string(expected[reason])) << reason;
  }
  EXPECT_EQ(counter("desk:reg-1:manual"), std::to_string(total));
  EXPECT_EQ(log_length(), std::to_string(ids.size()));
  std::cout << "[ figures ] " << ids.size() << " calls logged, " << total
            << " check-ins by hand counted\n";
}

}  // namespace
}  // namespace rollcall::services::store
