#include "redis/cluster_routing.h"

#include <gtest/gtest.h>

#include "redis/hash_slot.h"

namespace rollcall::tests::redis {
namespace {

namespace rr = rollcall::redis;
using rr::Command;
using rr::Reply;
using rr::Route;
using rr::Step;

Reply error_reply(std::string text) {
  return Reply{.type = Reply::Type::error, .str = std::move(text)};
}

TEST(ClusterRouting, FunctionsGoByTheirDeclaredKeys) {
  const auto route = rr::route_of(Command{"FCALL", "rollcall_scan", "1", "{ev1}", "a", "b"});
  ASSERT_EQ(route.kind, Route::Kind::slot);
  EXPECT_EQ(route.slot, rr::key_slot("ev1"));
  EXPECT_TRUE(route.script);
  // Arguments after the keys do not count, however they hash.
  EXPECT_EQ(rr::route_of(Command{"fcall", "f", "1", "{ev1}", "{other}"}).slot, route.slot);
  EXPECT_EQ(rr::route_of(Command{"FCALL", "f", "2", "{ev1}:a", "{ev1}:b"}).slot, route.slot);
  EXPECT_EQ(rr::route_of(Command{"FCALL", "f", "0"}).kind, Route::Kind::any);
}

TEST(ClusterRouting, KeysOfSeveralSlotsAreRefused) {
  const auto cross = rr::route_of(Command{"FCALL", "f", "2", "{ev1}", "{ev2}"});
  ASSERT_EQ(cross.kind, Route::Kind::refused);
  EXPECT_NE(cross.refusal.find("CROSSSLOT"), std::string::npos);
  EXPECT_EQ(rr::route_of(Command{"MGET", "{a}1", "{b}2"}).kind, Route::Kind::refused);
  EXPECT_EQ(rr::route_of(Command{"RENAME", "{a}1", "{b}2"}).kind, Route::Kind::refused);
  EXPECT_EQ(rr::route_of(Command{"RENAME", "{a}1", "{a}2"}).kind, Route::Kind::slot);
  EXPECT_EQ(rr::route_of(Command{"FCALL", "f", "3", "{a}"}).kind, Route::Kind::refused)
      << "more keys announced than given";
  EXPECT_EQ(rr::route_of(Command{"FCALL", "f", "x", "{a}"}).kind, Route::Kind::refused);
}

TEST(ClusterRouting, OtherCommandsGoByTheirKey) {
  const auto route = rr::route_of(Command{"HGET", "{ev1}:event", "config"});
  ASSERT_EQ(route.kind, Route::Kind::slot);
  EXPECT_EQ(route.slot, rr::key_slot("ev1"));
  EXPECT_FALSE(route.script);
  EXPECT_EQ(rr::route_of(Command{"SMEMBERS", "rollcall:events"}).slot,
            rr::key_slot("rollcall:events"));
  EXPECT_EQ(rr::route_of(Command{"XINFO", "STREAM", "{ev1}:log"}).slot, route.slot);
  EXPECT_EQ(rr::route_of(Command{"PING"}).kind, Route::Kind::any);
  EXPECT_EQ(rr::route_of(Command{"CONFIG", "GET", "append*"}).kind, Route::Kind::any);
  EXPECT_EQ(rr::route_of(Command{"PUBLISH", "{ev1}:changes", "x"}).kind, Route::Kind::any);
}

TEST(ClusterRouting, OneNodeCommandsAreRefused) {
  for (const auto& name : {"MULTI", "EXEC", "WATCH", "SCAN", "KEYS", "SUBSCRIBE", "FLUSHALL"}) {
    const auto route = rr::route_of(Command{name, "x"});
    EXPECT_EQ(route.kind, Route::Kind::refused) << name;
    EXPECT_FALSE(route.refusal.empty());
  }
  EXPECT_EQ(rr::route_of(Command{}).kind, Route::Kind::refused);
  // The gateway's registry reads, as Redis 7.0 Cluster would deny them.
  const auto sort = rr::route_of(Command{"SORT", "{e}:badges", "BY", "nosort", "GET", "#"});
  EXPECT_EQ(sort.kind, Route::Kind::refused);
  EXPECT_NE(sort.refusal.find("GET pattern"), std::string::npos) << sort.refusal;
  EXPECT_EQ(rr::route_of(Command{"SORT", "{e}:l", "BY", "{e}:w*"}).kind, Route::Kind::refused);
  EXPECT_EQ(rr::route_of(Command{"SORT", "{e}:l", "BY", "nosort", "LIMIT", "0", "5"}).kind,
            Route::Kind::slot);
}

TEST(ClusterRouting, RedirectionsAreRead) {
  auto moved = rr::redirect_of(error_reply("MOVED 3999 127.0.0.1:6381"));
  EXPECT_EQ(moved.kind, rr::Redirect::Kind::moved);
  EXPECT_EQ(moved.slot, 3999);
  EXPECT_EQ(moved.host, "127.0.0.1");
  EXPECT_EQ(moved.port, 6381);
  auto ask = rr::redirect_of(error_reply("ASK 1 ::1:7000"));
  EXPECT_EQ(ask.kind, rr::Redirect::Kind::ask);
  EXPECT_EQ(ask.host, "::1");
  EXPECT_EQ(ask.port, 7000);
  EXPECT_EQ(rr::redirect_of(error_reply("MOVED 5 :7001")).host, "") << "the sender's host";
  EXPECT_EQ(rr::redirect_of(error_reply("TRYAGAIN Multiple keys")).kind,
            rr::Redirect::Kind::try_again);
  EXPECT_EQ(rr::redirect_of(error_reply("CLUSTERDOWN The cluster is down")).kind,
            rr::Redirect::Kind::cluster_down);
  for (const auto& bad :
       {"MOVED 16384 h:1", "MOVED x h:1", "MOVED 1 h:0", "MOVED 1", "ERR x", "MOVEDX 1 h:1"}) {
    EXPECT_EQ(rr::redirect_of(error_reply(bad)).kind, rr::Redirect::Kind::none) << bad;
  }
  EXPECT_EQ(rr::redirect_of(Reply{.type = Reply::Type::string, .str = "MOVED 1 h:1"}).kind,
            rr::Redirect::Kind::none)
      << "a value is never a redirection";
}

TEST(ClusterRouting, MovedIsFollowedABoundedNumberOfTimes) {
  const auto route = rr::route_of(Command{"HGET", "{ev1}:event", "config"});
  const auto moved = error_reply("MOVED 7 127.0.0.1:7002");
  const auto step = rr::next_step(moved, route, 0, 0);
  ASSERT_EQ(step.kind, Step::Kind::resend);
  EXPECT_EQ(step.redirect.port, 7002);
  EXPECT_EQ(rr::next_step(moved, route, 4, 0).kind, Step::Kind::resend);
  EXPECT_EQ(rr::next_step(moved, route, 5, 0).kind, Step::Kind::give_up);
  EXPECT_EQ(rr::next_step(Reply{.type = Reply::Type::string, .str = "x"}, route, 0, 0).kind,
            Step::Kind::deliver);
  EXPECT_EQ(rr::next_step(error_reply("ERR wrong"), route, 0, 0).kind, Step::Kind::deliver);
}

TEST(ClusterRouting, AskIsFollowedByKeysButWaitedOutByScripts) {
  const auto ask = error_reply("ASK 7 127.0.0.1:7002");
  const auto plain = rr::route_of(Command{"HGET", "{ev1}:event", "config"});
  const auto step = rr::next_step(ask, plain, 0, 0);
  ASSERT_EQ(step.kind, Step::Kind::ask);
  EXPECT_EQ(step.redirect.port, 7002);
  EXPECT_EQ(rr::next_step(ask, plain, 5, 0).kind, Step::Kind::give_up);

  const auto script = rr::route_of(Command{"FCALL", "rollcall_scan", "1", "{ev1}"});
  auto waited = rr::next_step(ask, script, 0, 0);
  ASSERT_EQ(waited.kind, Step::Kind::wait);
  EXPECT_EQ(waited.delay, std::chrono::milliseconds(10));
  // Doubling up to 100 ms, then giving up after the limit: about three seconds in all.
  std::chrono::milliseconds total{0};
  const rr::RedirectLimits limits;
  for (int waits = 0; waits < limits.waits; ++waits) {
    const auto next = rr::next_step(ask, script, 0, waits);
    ASSERT_EQ(next.kind, Step::Kind::wait) << waits;
    total += next.delay;
  }
  EXPECT_EQ(rr::next_step(ask, script, 0, limits.waits).kind, Step::Kind::give_up);
  EXPECT_EQ(total, std::chrono::milliseconds(10 + 20 + 40 + 80 + 100 * (limits.waits - 4)));
  EXPECT_EQ(rr::next_step(error_reply("TRYAGAIN x"), plain, 0, 0).kind, Step::Kind::wait);
}

}  // namespace
}  // namespace rollcall::tests::redis
