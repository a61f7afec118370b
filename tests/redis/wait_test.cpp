// Issue 8: Options::wait_replicas delivers a reply only once replicas acknowledged it.
#include <atomic>
#include <iostream>

#include <gtest/gtest.h>

#include "redis/connection.h"
#include "tests/redis/test_helpers.h"
#include "tests/support/replication_cluster.h"

namespace rollcall::tests::redis {
namespace {

using support::info_field;
using support::ReplicationCluster;

using rr::Reply;

class RedisWait : public ::testing::Test {
 protected:
  std::shared_ptr<rr::Connection> connect(int replicas,
                                          std::chrono::milliseconds health_interval = 200ms) {
    auto options = options_for(cluster_.primary().url());
    options.wait_replicas = replicas;
    options.wait_timeout = 300ms;
    options.health_interval = health_interval;
    auto conn = rr::Connection::create(io_.executor(), options);
    conn->on_state_change([states = states_](bool ready) { states->push(ready); });
    conn->start();
    return conn;
  }

  // The replica killed (kill() reaps it), and dropped by the primary from its replicas, so that
  // no ack of an earlier offset is still on its way.
  ::testing::AssertionResult lose_replica() {
    cluster_.replica().kill();
    if (eventually([&] {
          return info_field(cluster_.primary().command({"INFO", "replication"}),
                            "connected_slaves") == "0";
        })) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << cluster_.primary().command({"INFO", "replication"});
  }

  ReplicationCluster cluster_{0};
  IoThreads io_;
  std::shared_ptr<Events<bool>> states_ = std::make_shared<Events<bool>>();
};

TEST_F(RedisWait, RepliesOnlyOnceTheReplicaHasTheWrite) {
  ASSERT_TRUE(cluster_.wait_until_ready(wait_limit)) << "replica not in sync";
  auto conn = connect(1);
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();

  // Many callers at once: they share WAITs, and each reply means "on the replica".
  constexpr int writes = 300;
  std::atomic<int> ok{0}, failed{0};
  for (int i = 0; i < writes; ++i) {
    conn->exec({"INCR", "acked"}, [&](boost::system::error_code ec, Reply reply) {
      if (!ec && reply.type == Reply::Type::integer) {
        ok++;
      } else {
        failed++;
      }
    });
  }
  ASSERT_TRUE(eventually([&] { return ok + failed == writes; }));
  EXPECT_EQ(failed.load(), 0);
  // Acknowledged means applied on the replica: it has every write now, without waiting.
  EXPECT_EQ(cluster_.replica().command({"GET", "acked"}), std::to_string(writes));
  const auto waits =
      info_field(cluster_.primary().command({"INFO", "commandstats"}), "cmdstat_wait");
  EXPECT_NE(waits.find("calls="), std::string::npos) << waits;
  std::cout << "[   info   ] " << writes << " writes acknowledged with " << waits << "\n";

  // An error reply is delivered as it is: nothing was written, nothing to replicate.
  run(*conn, {"SET", "text", "x"});
  auto wrong = run(*conn, {"INCR", "text"});
  EXPECT_FALSE(wrong.ec) << wrong.ec.message();
  EXPECT_TRUE(wrong.reply.is_error());
  conn->stop();
}

TEST_F(RedisWait, NotReplicatedWhenNoReplicaAcknowledges) {
  ASSERT_TRUE(cluster_.wait_until_ready(wait_limit)) << "replica not in sync";
  // The health check may not count WAIT's silence (300 ms) as a dead link, while the check itself
  // stays stricter than that (500 ms): a tick of 1 s leaves a busy machine a whole second of
  // slack before the health verdict, where 200 ms did not.
  auto conn = connect(1, 1s);
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  // The replica acknowledges writes: on a busy machine its first ack may miss the 300 ms.
  ASSERT_TRUE(eventually([&] { return !run(*conn, {"SET", "k", "1"}).ec; }));

  // Dead for certain before the write.
  ASSERT_TRUE(lose_replica());
  auto lost = run(*conn, {"INCR", "k"});
  EXPECT_EQ(lost.ec, rr::error::not_replicated) << lost.ec.message();
  // It did run on the primary: the caller must treat it as "maybe lost in a failover".
  EXPECT_EQ(cluster_.primary().command({"GET", "k"}), "2");
  // The link itself is fine: WAIT's own timeout is no health failure.
  EXPECT_TRUE(conn->ready());
  EXPECT_EQ(states_->size(), 0u) << conn->last_error();
  conn->stop();
}

TEST_F(RedisWait, WhileTheReplicaIsAwayWritesFailWithoutWaitingAndSucceedOnceItIsBack) {
  ASSERT_TRUE(cluster_.wait_until_ready(wait_limit)) << "replica not in sync";
  auto conn = connect(1, 1s);
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  ASSERT_TRUE(eventually([&] { return !run(*conn, {"SET", "k", "0"}).ec; }));
  ASSERT_TRUE(lose_replica());
  // This write's WAIT times out: from now on the link knows the replica is away.
  EXPECT_EQ(run(*conn, {"INCR", "k"}).ec, rr::error::not_replicated);

  // A WAIT per write would hold the link 300 ms each time, reads included; now only a probe
  // per health interval (1 s) waits, however many writes come.
  const auto waits_before = support::command_calls(cluster_.primary(), "wait");
  constexpr int writes = 40;
  for (int i = 0; i < writes; ++i) {
    EXPECT_EQ(run(*conn, {"INCR", "k"}).ec, rr::error::not_replicated);
    const auto read = run(*conn, {"GET", "k"});
    EXPECT_FALSE(read.ec) << read.ec.message();
    EXPECT_EQ(read.reply.str, std::to_string(i + 2));  // each write did run on the primary
  }
  const auto waits = support::command_calls(cluster_.primary(), "wait") - waits_before;
  EXPECT_LT(waits, writes / 2) << "WAITs during " << writes << " writes";
  std::cout << "[   info   ] " << writes
            << " writes and reads while the replica was away: " << waits << " WAIT probes\n";

  // The replica is back: a probe sees it, and writes are acknowledged again.
  cluster_.replica().start();
  ASSERT_TRUE(eventually([&] { return !run(*conn, {"INCR", "k"}).ec; }, 30s)) << conn->last_error();
  EXPECT_EQ(cluster_.replica().command({"GET", "k"}), cluster_.primary().command({"GET", "k"}));
  EXPECT_TRUE(conn->ready());
  EXPECT_EQ(states_->size(), 0u) << conn->last_error();
  conn->stop();
}

TEST_F(RedisWait, MoreReplicasThanExistIsNeverAcknowledged) {
  ASSERT_TRUE(cluster_.wait_until_ready(wait_limit)) << "replica not in sync";
  auto conn = connect(2);
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  EXPECT_EQ(run(*conn, {"SET", "k", "1"}).ec, rr::error::not_replicated);
  conn->stop();
}

}  // namespace
}  // namespace rollcall::tests::redis
