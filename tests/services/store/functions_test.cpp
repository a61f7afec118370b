// The counting rules, run for real: the Redis Functions library loaded into a private
// redis-server, scans applied with FCALL, counters, log and notices read back.
#include <hiredis/hiredis.h>
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace rollcall::services::store
