// The counting rules, run for real: the Redis Functions library loaded into a private
// redis-server, scans applied with FCALL, counters, log and notices read back.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <csignal>
#include <map>
#include <memory>

#include "services/store/function_library.h"
#include "services/store/keys.h"
#include "tests/support/redis_server.h"
#include "tests/support/replication_cluster.h"

namespace rollcall::services::store {
namespace {

using tests::support::RedisServer;

class FunctionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_.command({"FUNCTION", "LOAD", "REPLACE", std::string(function_library())});
    redis_.command({"HSET", event_key("ev"), "days", "", "zones", ""});
    add_badge("B1", "CH", "minister");
    add_badge("B2", "FR", "youth");
    add_badge("B3", "", "un");
  }

  void add_badge(const std::string& id, const std::string& country, const std::string& category,
                 const std::string& revoked = "0") {
    redis_.command({"HSET", badge_key("ev", id), "country", country, "category", category, "name",
                    "Name " + id, "organization", "Org", "revoked", revoked});
  }

  // Returns the status (first line of the reply) and keeps the whole reply.
  std::string scan(const std::string& scan_id, const std::string& badge, const std::string& dir,
                   const std::string& day = "2025-07-07", const std::string& zone = "hall") {
    last_ = redis_.command({"FCALL", "rollcall_scan", "1", tag("ev"), scan_id, badge, "desk1", zone,
                            dir, "1000", "2000", day, day + "T09:00", "0"});
    return last_.substr(0, last_.find('\n'));
  }

  // A scan from `desk` on an event that tracks at most `max_desks` desks; the whole reply (its
  // desk field, tracked|full|forgotten, is followed by the device_time_ignored flag).
  std::string desk_scan(const std::string& scan_id, const std::string& desk,
                        const std::string& max_desks, const std::string& badge = "B1") {
    return redis_.command({"FCALL", "rollcall_scan", "1", tag("ev"), scan_id, badge, desk, "hall",
                           "in", "1000", "2000", "2025-07-07", "2025-07-07T09:00", "0", max_desks});
  }

  std::string counter(const std::string& field) {
    return redis_.command({"HGET", counters_key("ev"), field});
  }

  RedisServer redis_;
  std::string last_;
};

TEST_F(FunctionsTest, FirstEntryReentryExitAndTheirCounters) {
  EXPECT_EQ(scan("s1", "B1", "in"), "accepted");
  EXPECT_EQ(scan("s2", "B1", "in"), "already_inside");
  EXPECT_EQ(scan("s3", "B1", "out"), "exit");
  EXPECT_EQ(scan("s4", "B1", "out"), "not_inside");
  EXPECT_EQ(scan("s5", "B1", "in"), "reentry");
  EXPECT_EQ(counter("onsite"), "1");
  EXPECT_EQ(counter("onsite:country:CH"), "1");
  EXPECT_EQ(counter("onsite:category:minister"), "1");
  EXPECT_EQ(counter("day:2025-07-07:onsite"), "1");
  EXPECT_EQ(counter("inside"), "1");
  EXPECT_EQ(counter("inside:zone:hall"), "1");
  EXPECT_EQ(counter("arrivals:2025-07-07T09:00"), "1");
  EXPECT_EQ(counter("scans:accepted"), "1");
  EXPECT_EQ(counter("scans:already_inside"), "1");
  EXPECT_EQ(counter("scans:reentry"), "1");
  EXPECT_EQ(redis_.command({"XLEN", log_key("ev")}), "5");
  EXPECT_EQ(redis_.command({"GET", tag("ev") + ":seq"}), "5");
}

TEST_F(FunctionsTest, ReplayedScanIdReturnsTheOriginalAndChangesNothing) {
  EXPECT_EQ(scan("s1", "B1", "in"), "accepted");
  const auto seq = redis_.command({"GET", tag("ev") + ":seq"});
  EXPECT_EQ(scan("s1", "B1", "in"), "accepted");
  EXPECT_EQ(last_.substr(0, last_.find('\n', last_.find('\n') + 1)), "accepted\n1");  // replay
  EXPECT_EQ(scan("s1", "B2", "out"), "accepted");  // the id decides, not the payload
  EXPECT_EQ(redis_.command({"GET", tag("ev") + ":seq"}), seq);
  EXPECT_EQ(counter("onsite"), "1");
  EXPECT_EQ(redis_.command({"XLEN", log_key("ev")}), "1");
}

// WAIT mode: a desk's resend may reach Redis over another connection (another gateway, a new
// link) before the replica has the original scan; the replay writes nothing. Its WAIT must not
// pass on that connection's older writes. Redis 7.0 (Debian 12's) sets a connection's WAIT
// offset on every command, reads included, so the WAIT covers the original; a connection that
// sent nothing would pass at once. Should a Redis version stop doing so, this fails, and the
// replay path must write (e.g. its scan_ids field again) to be replicated.
TEST(ReplayedScan, AWaitAfterItCoversTheOriginalOnAnyConnection) {
  tests::support::ReplicationCluster cluster(0);
  ASSERT_TRUE(cluster.wait_until_ready(std::chrono::seconds(10))) << "replica not in sync";
  auto& primary = cluster.primary();
  primary.command({"FUNCTION", "LOAD", "REPLACE", std::string(function_library())});
  primary.command({"HSET", event_key("ev"), "days", "", "zones", ""});
  primary.command({"HSET", badge_key("ev", "B1"), "country", "CH", "category", "minister"});
  const std::vector<std::string> scan = {
      "FCALL", "rollcall_scan", "1",          tag("ev"),          "s1", "B1", "desk1", "hall", "in",
      "1000",  "2000",          "2025-07-07", "2025-07-07T09:00", "0"};
  // The gateway that sends the resend: its own connection, which has written nothing yet; and
  // one that sends nothing at all.
  using Context = std::unique_ptr<redisContext, decltype(&redisFree)>;
  Context resend(redisConnect("127.0.0.1", primary.port()), &redisFree);
  Context silent(redisConnect("127.0.0.1", primary.port()), &redisFree);
  ASSERT_TRUE(resend && resend->err == 0 && silent && silent->err == 0);
  // An integer reply's value; -1 for an array, -2 for anything else.
  const auto call = [](Context& c, const std::vector<std::string>& args) {
    auto* reply = tests::support::run_argv(c.get(), args);
    EXPECT_NE(reply, nullptr);
    const long long value = reply != nullptr && reply->type == REDIS_REPLY_INTEGER
                                ? reply->integer
                                : (reply != nullptr && reply->type == REDIS_REPLY_ARRAY ? -1 : -2);
    if (reply != nullptr) freeReplyObject(reply);
    return value;
  };

  const auto replica_pid = tests::support::ReplicationCluster::pid_of(cluster.replica());
  ASSERT_EQ(::kill(replica_pid, SIGSTOP), 0);
  const std::shared_ptr<void> resume(nullptr, [&](void*) { ::kill(replica_pid, SIGCONT); });
  EXPECT_EQ(primary.command(scan).substr(0, 8), "accepted");  // the original, not yet replicated
  // The premise: a connection that sent nothing is acknowledged at once.
  EXPECT_EQ(call(silent, {"WAIT", "1", "300"}), 1);
  EXPECT_EQ(call(resend, scan), -1);  // the replay: an array reply
  EXPECT_EQ(call(resend, {"WAIT", "1", "300"}), 0) << "acknowledged while the replica lacks it";
  ::kill(replica_pid, SIGCONT);
  EXPECT_EQ(call(resend, {"WAIT", "1", "10000"}), 1);
  // The replay changed nothing but that: one scan, counted once, on both.
  EXPECT_EQ(cluster.replica().command({"HGET", counters_key("ev"), "onsite"}), "1");
  EXPECT_EQ(cluster.replica().command({"XLEN", log_key("ev")}), "1");
  EXPECT_EQ(cluster.replica().command({"HGET", scan_ids_key("ev"), "s1"}),
            primary.command({"HGET", scan_ids_key("ev"), "s1"}));
}

TEST_F(FunctionsTest, SecondDayCountsOncePerDayAndOncePerEvent) {
  EXPECT_EQ(scan("d1", "B1", "in", "2025-07-07"), "accepted");
  // No exit on day 1: the next day's entry corrects "inside" and counts a new day.
  EXPECT_EQ(scan("d2", "B1", "in", "2025-07-08"), "accepted");
  EXPECT_EQ(counter("onsite"), "1");
  EXPECT_EQ(counter("day:2025-07-07:onsite"), "1");
  EXPECT_EQ(counter("day:2025-07-08:onsite"), "1");
  EXPECT_EQ(counter("inside"), "1");
  EXPECT_EQ(scan("d3", "B1", "out", "2025-07-08"), "exit");
  EXPECT_EQ(scan("d4", "B1", "in", "2025-07-08"), "reentry");
  EXPECT_EQ(counter("day:2025-07-08:onsite"), "1");
}

TEST_F(FunctionsTest, ALateReplayOfAnEarlierDayCountsThatDayAndLeavesTodayAlone) {
  EXPECT_EQ(scan("t1", "B1", "in", "2025-07-09"), "accepted");
  // A desk that was offline on the 8th sends its queue now.
  EXPECT_EQ(scan("late-1", "B1", "in", "2025-07-08"), "accepted");
  EXPECT_EQ(scan("late-2", "B1", "out", "2025-07-08"), "exit");
  EXPECT_EQ(scan("late-3", "B1", "in", "2025-07-08"), "reentry");
  // Today's state is untouched: still inside, the day counted once.
  EXPECT_EQ(scan("t2", "B1", "out", "2025-07-09"), "exit");
  EXPECT_EQ(scan("t3", "B1", "in", "2025-07-09"), "reentry");
  EXPECT_EQ(counter("day:2025-07-09:onsite"), "1");
  EXPECT_EQ(counter("day:2025-07-08:onsite"), "1");
  EXPECT_EQ(counter("onsite"), "1");
  EXPECT_EQ(counter("inside"), "1");
}

TEST_F(FunctionsTest, MovingBetweenZonesKeepsThePersonInside) {
  EXPECT_EQ(scan("z1", "B2", "in", "2025-07-07", "hall"), "accepted");
  EXPECT_EQ(scan("z2", "B2", "in", "2025-07-07", "room"), "reentry");
  EXPECT_EQ(counter("inside"), "1");
  EXPECT_EQ(counter("inside:zone:hall"), "0");
  EXPECT_EQ(counter("inside:zone:room"), "1");
  EXPECT_EQ(scan("z3", "B2", "out", "2025-07-07", "hall"), "exit");
  EXPECT_EQ(counter("inside:zone:room"), "0");
}

TEST_F(FunctionsTest, RejectionsAreCountedAndLoggedButChangeNoAttendance) {
  add_badge("R1", "CH", "media", "1");
  EXPECT_EQ(scan("x1", "NOPE", "in"), "unknown_badge");
  EXPECT_EQ(scan("x2", "R1", "in"), "revoked");
  redis_.command({"HSET", event_key("ev"), "days", ",2025-07-07,", "zones", ",hall,"});
  EXPECT_EQ(scan("x3", "B1", "in", "2025-07-09"), "wrong_day");
  EXPECT_EQ(scan("x4", "B1", "in", "2025-07-07", "kitchen"), "not_allowed");
  EXPECT_EQ(counter("onsite"), "");
  EXPECT_EQ(counter("inside"), "");
  EXPECT_EQ(counter("scans:unknown_badge"), "1");
  EXPECT_EQ(counter("scans:revoked"), "1");
  EXPECT_EQ(redis_.command({"XLEN", log_key("ev")}), "4");
}

TEST_F(FunctionsTest, InternationalOrganizationsCountWithoutACountry) {
  EXPECT_EQ(scan("i1", "B3", "in"), "accepted");
  EXPECT_EQ(counter("onsite:country:"), "1");
  EXPECT_EQ(counter("onsite:category:un"), "1");
}

TEST_F(FunctionsTest, EndOfDayResetCountsOutEarlierDaysOnlyAndOnce) {
  scan("r1", "B1", "in", "2025-07-07");
  scan("r2", "B2", "in", "2025-07-07", "room");
  scan("r3", "B3", "in", "2025-07-08");  // arrived after midnight, before the reset hour
  auto reset = [&](const std::string& day) {
    return redis_.command({"FCALL", "rollcall_reset_inside", "1", tag("ev"), day});
  };
  EXPECT_EQ(reset("2025-07-08"), "2");
  EXPECT_EQ(reset("2025-07-08"), "0");
  EXPECT_EQ(counter("inside"), "1");
  EXPECT_EQ(counter("inside:zone:hall"), "1");
  EXPECT_EQ(counter("inside:zone:room"), "0");
  EXPECT_EQ(scan("r4", "B1", "out", "2025-07-08"), "not_inside");
  EXPECT_EQ(scan("r5", "B1", "in", "2025-07-08"), "accepted");  // a new day's first entry
  EXPECT_EQ(counter("day:2025-07-08:onsite"), "2");
  EXPECT_EQ(counter("onsite"), "3");
}

TEST_F(FunctionsTest, TotalsReturnsSeqAndEveryCounter) {
  scan("t1", "B1", "in");
  const auto reply = redis_.command({"FCALL", "rollcall_totals", "1", tag("ev")});
  EXPECT_EQ(reply.substr(0, 2), "1\n");
  EXPECT_NE(reply.find("onsite:country:CH"), std::string::npos);
}

TEST_F(FunctionsTest, AnEventTracksAtMostMaxDesksAndTheirScansStillCount) {
  EXPECT_EQ(desk_scan("m1", "d1", "2").substr(0, 9), "accepted\n");
  EXPECT_TRUE(desk_scan("m2", "d2", "2", "B2").find("\ntracked\n") != std::string::npos);
  // A third desk: the scan counts, the desk is not tracked, the reply and the log say so.
  const auto third = desk_scan("m3", "d3", "2", "B3");
  EXPECT_EQ(third.substr(0, 9), "accepted\n");
  EXPECT_TRUE(third.find("\nfull\n") != std::string::npos) << third;
  EXPECT_EQ(counter("onsite"), "3");
  EXPECT_EQ(counter("scans:accepted"), "3");
  EXPECT_EQ(counter("desk:d3:scans"), "");
  EXPECT_EQ(counter("desk:d3:last_seen"), "");
  EXPECT_NE(redis_.command({"XREVRANGE", log_key("ev"), "+", "-", "COUNT", "1"})
                .find("desk_untracked\nfull"),
            std::string::npos);
  // Desks already tracked go on counting; the set holds exactly the tracked ones.
  EXPECT_TRUE(desk_scan("m4", "d1", "2", "B2").find("\ntracked\n") != std::string::npos);
  EXPECT_EQ(counter("desk:d1:scans"), "2");
  EXPECT_EQ(redis_.command({"SCARD", desks_key("ev")}), "2");
  // Without the argument (an older gateway) the default bound applies: d3 fits under 500.
  EXPECT_TRUE(redis_
                  .command({"FCALL", "rollcall_scan", "1", tag("ev"), "m5", "B1", "d3", "hall",
                            "out", "1000", "2000", "2025-07-07", "2025-07-07T09:00", "0"})
                  .find("\ntracked\n") != std::string::npos);
  EXPECT_EQ(counter("desk:d3:scans"), "1");
}

// A desk that decided alone (offline) says so with its scan; the function compares that verdict
// with the status it gives, for every status, and counts an overturned one once, replays too.
TEST_F(FunctionsTest, OverturnedOfflineVerdictsAreCountedOnceAndLogged) {
  auto offline_scan = [&](const std::string& scan_id, const std::string& badge,
                          const std::string& dir, const std::string& verdict) {
    last_ = redis_.command({"FCALL", "rollcall_scan", "1", tag("ev"), scan_id, badge, "dk", "hall",
                            dir, "1000", "2000", "2025-07-07", "2025-07-07T09:00", "0", "500", "0",
                            verdict});
    return last_.substr(0, last_.find('\n'));
  };
  add_badge("R1", "CH", "minister", "1");
  struct Case {
    const char* badge;
    const char* dir;
    const char* verdict;
    const char* status;
    const char* outcome;  // "" when the desk and the function agree
  };
  // In order: each status, once with the verdict that agrees and once with the one that does not.
  const Case cases[] = {
      {"B1", "in", "admitted", "accepted", ""},
      {"B1", "in", "refused", "already_inside", "refused_admitted"},
      {"B1", "out", "admitted", "exit", ""},
      {"B1", "out", "refused", "not_inside", "refused_admitted"},
      {"B2", "in", "refused", "accepted", "refused_admitted"},
      {"B2", "out", "refused", "exit", "refused_admitted"},
      {"B2", "in", "admitted", "reentry", ""},
      {"R1", "in", "admitted", "revoked", "admitted_refused"},
      {"R1", "in", "refused", "revoked", ""},
      {"NOBODY", "in", "admitted", "unknown_badge", "admitted_refused"},
      {"NOBODY", "in", "refused", "unknown_badge", ""},
      {"B3", "in", "", "accepted", ""},  // the gateway decided: nothing to compare
      {"B3", "in", "bogus", "already_inside", ""},
  };
  std::map<std::string, int> expected;
  int n = 0;
  for (const auto& c : cases) {
    const auto id = "o" + std::to_string(n++);
    ASSERT_EQ(offline_scan(id, c.badge, c.dir, c.verdict), c.status) << id;
    if (*c.outcome) ++expected[c.outcome];
    // Sent again (the desk's queue replaying): the same answer, nothing counted twice.
    ASSERT_EQ(offline_scan(id, c.badge, c.dir, c.verdict), c.status) << id;
    const auto logged = redis_.command({"XREVRANGE", log_key("ev"), "+", "-", "COUNT", "1"});
    const bool carried =
        std::string_view(c.verdict) == "admitted" || std::string_view(c.verdict) == "refused";
    EXPECT_EQ(logged.find(std::string("offline_verdict\n") + c.verdict) != std::string::npos,
              carried)
        << logged;
  }
  EXPECT_EQ(counter("offline:admitted_refused"), std::to_string(expected["admitted_refused"]));
  EXPECT_EQ(counter("offline:refused_admitted"), std::to_string(expected["refused_admitted"]));
  EXPECT_EQ(counter("desk:dk:overturned"),
            std::to_string(expected["admitted_refused"] + expected["refused_admitted"]));
  // Forgetting the desk takes its overturned count with its other counters.
  redis_.command({"FCALL", "rollcall_forget_desk", "1", tag("ev"), "dk", "9000"});
  EXPECT_EQ(counter("desk:dk:overturned"), "");
  EXPECT_EQ(counter("offline:admitted_refused"), std::to_string(expected["admitted_refused"]));
}

TEST_F(FunctionsTest, AForgottenDeskLeavesTheTotalsAndTellsTheDisplays) {
  desk_scan("f1", "d1", "1");
  desk_scan("f2", "d1", "1", "NOPE");  // a rejection, so desk:d1:rejected exists too
  EXPECT_EQ(counter("desk:d1:scans"), "2");
  EXPECT_TRUE(desk_scan("f3", "d2", "1", "B2").find("\nfull\n") !=
              std::string::npos);  // no room for d2

  // Listen to the change channel as a gateway does.
  redisContext* listener = redisConnect("127.0.0.1", redis_.port());
  ASSERT_TRUE(listener && !listener->err);
  ASSERT_EQ(redisSetTimeout(listener, timeval{5, 0}), REDIS_OK);  // a missing notice fails
  auto* subscribed = static_cast<redisReply*>(
      redisCommand(listener, "SUBSCRIBE %s", changes_channel("ev").c_str()));
  freeReplyObject(subscribed);

  const auto seq = std::stoll(redis_.command({"GET", tag("ev") + ":seq"}));
  EXPECT_EQ(redis_.command({"FCALL", "rollcall_forget_desk", "1", tag("ev"), "d1", "9000"}), "3");
  for (const char* field : {"desk:d1:scans", "desk:d1:rejected", "desk:d1:last_seen"}) {
    EXPECT_EQ(counter(field), "") << field;
  }
  EXPECT_EQ(counter("scans:accepted"), "2");  // its scans still count
  EXPECT_EQ(redis_.command({"SISMEMBER", desks_key("ev"), "d1"}), "0");
  EXPECT_EQ(redis_.command({"GET", tag("ev") + ":seq"}), std::to_string(seq + 1));
  const auto logged = redis_.command({"XREVRANGE", log_key("ev"), "+", "-", "COUNT", "1"});
  EXPECT_NE(logged.find("type\ndesk_forgotten\ndesk_id\nd1"), std::string::npos) << logged;

  redisReply* message = nullptr;
  ASSERT_EQ(redisGetReply(listener, reinterpret_cast<void**>(&message)), REDIS_OK);
  ASSERT_EQ(message->elements, 3u);
  const std::string body(message->element[2]->str, message->element[2]->len);
  freeReplyObject(message);
  redisFree(listener);
  EXPECT_NE(body.find("\"seq\":" + std::to_string(seq + 1)), std::string::npos) << body;
  for (const char* field :
       {"desk:d1:scans", "desk:d1:rejected", "desk:d1:late", "desk:d1:last_seen"}) {
    EXPECT_NE(body.find(std::string("\"") + field + "\""), std::string::npos) << body;
  }

  // Forgetting it again changes nothing and publishes nothing; its place is free again.
  EXPECT_EQ(redis_.command({"FCALL", "rollcall_forget_desk", "1", tag("ev"), "d1", "9000"}), "0");
  EXPECT_EQ(redis_.command({"GET", tag("ev") + ":seq"}), std::to_string(seq + 1));
  EXPECT_TRUE(desk_scan("f4", "d2", "1", "B3").find("\ntracked\n") != std::string::npos);
  EXPECT_EQ(counter("desk:d2:scans"), "1");
  // A forgotten desk still scanning (its revoked token cached a few seconds by a gateway) counts
  // its scans but does not come back.
  const auto late = desk_scan("f5", "d1", "2", "B1");
  EXPECT_TRUE(late.find("\nforgotten\n") != std::string::npos) << late;
  EXPECT_EQ(counter("desk:d1:scans"), "");
  EXPECT_EQ(counter("scans:already_inside"), "1");
}

class PresenceFunctionsTest : public FunctionsTest {
 protected:
  // One presence call; returns the statuses (one line each, replay flags dropped).
  std::vector<std::string> presence(const std::string& holder, std::int64_t lease_until,
                                    std::vector<std::vector<std::string>> items,
                                    bool resync = false, const std::string& day = "2025-07-07") {
    std::vector<std::string> command = {"FCALL",
                                        "rollcall_presence",
                                        "1",
                                        tag("ev"),
                                        holder,
                                        std::to_string(lease_until),
                                        "5000",
                                        day,
                                        day + "T10:00",
                                        "bridge",
                                        resync ? "1" : "0"};
    for (auto& item : items) {
      // presence_id kind participant_id badge_id country category platform session time_ms
      item.resize(9);
      command.insert(command.end(), item.begin(), item.end());
    }
    std::vector<std::string> statuses;
    std::string reply = redis_.command(command);
    std::size_t start = 0;
    for (int line = 0; start <= reply.size(); ++line) {
      const auto end = std::min(reply.find('\n', start), reply.size());
      if (line % 2 == 0 && end < reply.size()) statuses.push_back(reply.substr(start, end - start));
      start = end + 1;
    }
    return statuses;
  }
  static std::vector<std::string> join(const std::string& id, const std::string& who,
                                       const std::string& country = "BR",
                                       const std::string& badge = "") {
    return {id, "join", who, badge, country, "youth", "zoom", "plenary", "5000"};
  }
  static std::vector<std::string> leave(const std::string& id, const std::string& who) {
    return {id, "leave", who, "", "", "", "zoom", "plenary", "6000"};
  }
};

TEST_F(PresenceFunctionsTest, JoinsAndLeavesCountPeopleNotConnections) {
  EXPECT_EQ(presence("bridge:a", 0, {join("j1", "ana"), join("j2", "ana"), join("j3", "ben")}),
            (std::vector<std::string>{"joined", "rejoined", "joined"}));
  EXPECT_EQ(counter("remote"), "2");
  EXPECT_EQ(counter("online"), "2");
  EXPECT_EQ(counter("peak_online"), "2");
  EXPECT_EQ(counter("remote:country:BR"), "2");
  EXPECT_EQ(counter("day:2025-07-07:remote"), "2");
  // ana has two connections: one leave keeps her online.
  EXPECT_EQ(presence("bridge:a", 0, {leave("l1", "ana")}), std::vector<std::string>{"left"});
  EXPECT_EQ(counter("online"), "2");
  EXPECT_EQ(presence("bridge:a", 0, {leave("l2", "ana"), leave("l3", "ana"), leave("l4", "zed")}),
            (std::vector<std::string>{"left", "already_left", "already_left"}));
  EXPECT_EQ(counter("online"), "1");
  EXPECT_EQ(counter("online:country:BR"), "1");
  EXPECT_EQ(counter("peak_online"), "2");
  // The same presence_id again: the original answer, nothing changes.
  EXPECT_EQ(presence("bridge:a", 0, {join("j3", "ben")}), std::vector<std::string>{"joined"});
  EXPECT_EQ(counter("online"), "1");
  EXPECT_EQ(counter("presence:joined"), "2");
}

TEST_F(PresenceFunctionsTest, RegisteredPeopleTakeTheRegistryDataAndCountOnceAsHybrid) {
  EXPECT_EQ(scan("s1", "B1", "in"), "accepted");
  presence("bridge:a", 0, {join("j1", "b1-zoom", "FR", "B1")});
  EXPECT_EQ(counter("remote:country:CH"), "1");  // the registry says CH, not the platform
  EXPECT_EQ(counter("remote:category:minister"), "1");
  EXPECT_EQ(counter("hybrid"), "1");
  // Online first, then on site: counted as hybrid too, once.
  presence("bridge:a", 0, {join("j2", "b2-zoom", "", "B2")});
  EXPECT_EQ(scan("s2", "B2", "in"), "accepted");
  EXPECT_EQ(counter("hybrid"), "2");
  presence("bridge:a", 0, {join("j3", "b2-phone", "", "B2")});
  EXPECT_EQ(counter("hybrid"), "2");
}

TEST_F(PresenceFunctionsTest, LapsedLeasesFoldTheirConnectionsAway) {
  presence("gw:dead", 1000, {join("j1", "ana"), join("j2", "ben")});
  presence("gw:alive", 99999999, {join("j3", "ana"), join("j4", "cid")});
  EXPECT_EQ(counter("online"), "3");
  EXPECT_EQ(
      redis_.command({"FCALL", "rollcall_expire_leases", "1", tag("ev"), "2000", "2025-07-07"}),
      "2");
  EXPECT_EQ(counter("online"), "2");  // ana is still connected through the live gateway
  EXPECT_EQ(
      redis_.command({"FCALL", "rollcall_expire_leases", "1", tag("ev"), "2000", "2025-07-07"}),
      "0");
  redis_.command({"FCALL", "rollcall_renew_leases", "1", tag("ev"), "3000", "gw:alive"});
  EXPECT_EQ(
      redis_.command({"FCALL", "rollcall_expire_leases", "1", tag("ev"), "2500", "2025-07-07"}),
      "0");
  EXPECT_EQ(
      redis_.command({"FCALL", "rollcall_expire_leases", "1", tag("ev"), "3500", "2025-07-07"}),
      "2");
  EXPECT_EQ(counter("online"), "0");
  EXPECT_EQ(counter("remote"), "3");
}

TEST_F(PresenceFunctionsTest, ABridgeResyncClosesWhatItNoLongerReportsAndCountsNothingTwice) {
  presence("bridge:z", 0, {join("j1", "ana"), join("j2", "ben"), join("j3", "cid")});
  EXPECT_EQ(
      presence("bridge:z", 0, {join("r1", "ana"), join("r2", "cid"), join("r3", "dan")}, true),
      (std::vector<std::string>{"rejoined", "rejoined", "joined"}));
  EXPECT_EQ(counter("online"), "3");  // ana, cid, dan
  EXPECT_EQ(counter("remote"), "4");
  EXPECT_EQ(redis_.command({"HGET", tag("ev") + ":held:bridge:z", "ben"}), "");
}

}  // namespace
}  // namespace rollcall::services::store
