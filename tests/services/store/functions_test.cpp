// The counting rules, run for real: the Redis Functions library loaded into a private
// redis-server, scans applied with FCALL, counters, log and notices read back.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <map>

#include "services/store/function_library.h"
#include "services/store/keys.h"
#include "tests/support/redis_server.h"

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
