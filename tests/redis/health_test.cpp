// Issue 6: the health check must not mistake a busy Redis for a dead one, and must still
// notice a frozen one.
#include <signal.h>

#include <atomic>

#include <gtest/gtest.h>

#include "redis/connection.h"
#include "tests/redis/test_helpers.h"
#include "tests/support/redis_server.h"
#include "tests/support/replication_cluster.h"

namespace rollcall::tests::redis {
namespace {

using support::ReplicationCluster;

using rr::Reply;
using support::RedisServer;

// Each call keeps Redis busy for ARGV[1] ms (no other client is served meanwhile), then counts
// itself in KEYS[1]: real work, with a reply at the end of each call.
const std::string busy_library =
    "#!lua name=rollbusy\n"
    "redis.register_function('rollbusy_work', function(keys, args)\n"
    "  local function now() local t = redis.call('TIME') return t[1] * 1000000 + t[2] end\n"
    "  local start = now()\n"
    "  local spins = 0\n"
    "  while now() - start < tonumber(args[1]) * 1000 do spins = spins + 1 end\n"
    "  redis.call('INCR', keys[1])\n"
    "  return spins\n"
    "end)\n";

// Without persistence: a busy Redis here is busy with the test's work alone.
class RedisHealth : public ConnectionTest {
 protected:
  RedisHealth() : ConnectionTest({"--appendonly", "no"}) {}
};

TEST_F(RedisHealth, BusyRedisThatKeepsAnsweringIsNotDeclaredDead) {
  auto options = options_for(server_.url());  // PING every 200 ms, dead after 500 ms silent
  options.setup = {{"FUNCTION", "LOAD", "REPLACE", busy_library}};
  auto conn = connect(options);
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  const auto client_id = run(*conn, {"CLIENT", "ID"}).reply.integer;
  ASSERT_GT(client_id, 0);

  // 3000 calls of 1 ms each: Redis is busy for about 3 s, far longer than the 500 ms health
  // timeout, and the health PING waits behind the whole pipeline. Redis answers a pipeline
  // read by read (16 KiB each, here about 60 calls padded to 256 bytes), so replies keep coming.
  constexpr int calls = 3000;
  const std::string padding(200, 'p');
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  for (int i = 0; i < calls; ++i) {
    conn->exec({"FCALL", "rollbusy_work", "1", "busy:done", "1", padding},
               [&](boost::system::error_code ec, Reply reply) {
                 if (ec || reply.type != Reply::Type::integer) {
                   failed++;
                 } else {
                   ok++;
                 }
               });
  }
  ASSERT_TRUE(eventually([&] { return ok + failed == calls; }, 60s))
      << ok.load() << " ok, " << failed.load() << " failed; " << conn->last_error();
  EXPECT_EQ(failed.load(), 0) << conn->last_error();
  EXPECT_EQ(states_->size(), 0u) << "the link was declared dead: " << conn->last_error();
  EXPECT_TRUE(conn->ready());
  EXPECT_EQ(server_.command({"GET", "busy:done"}), std::to_string(calls));
  EXPECT_EQ(run(*conn, {"CLIENT", "ID"}).reply.integer, client_id) << "it reconnected";
  conn->stop();
}

TEST_F(RedisHealth, FrozenRedisIsDeclaredDeadAndRecoveredAfterResume) {
  auto conn = connect(options_for(server_.url()));
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  const pid_t pid = ReplicationCluster::pid_of(server_);
  ASSERT_GT(pid, 0);

  ASSERT_EQ(::kill(pid, SIGSTOP), 0);
  // Whatever happens below, the server must not stay frozen (its fixture kills it anyway).
  struct Resume {
    pid_t pid;
    ~Resume() { ::kill(pid, SIGCONT); }
  } resume{pid};

  // A command in flight when Redis froze fails once the link is declared dead.
  auto in_flight = std::make_shared<std::promise<boost::system::error_code>>();
  auto in_flight_result = in_flight->get_future();
  conn->exec({"INCR", "frozen"},
             [in_flight](boost::system::error_code ec, Reply) { in_flight->set_value(ec); });
  ASSERT_TRUE(states_->wait_for(false)) << "not declared dead within 10 s";
  EXPECT_NE(conn->last_error().find("health check"), std::string::npos) << conn->last_error();
  ASSERT_EQ(in_flight_result.wait_for(wait_limit), std::future_status::ready);
  EXPECT_EQ(in_flight_result.get(), rr::error::unavailable);
  EXPECT_EQ(run(*conn, {"PING"}).ec, rr::error::unavailable);

  ASSERT_EQ(::kill(pid, SIGCONT), 0);
  ASSERT_TRUE(states_->wait_for(true)) << "not recovered within 10 s: " << conn->last_error();
  auto ping = run(*conn, {"PING"});
  EXPECT_FALSE(ping.ec) << ping.ec.message();
  EXPECT_EQ(ping.reply.str, "PONG");
  conn->stop();
}

TEST_F(RedisHealth, IdleLinkStaysUpForManyHealthIntervals) {
  auto conn = connect(options_for(server_.url()));
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  const auto client_id = std::to_string(run(*conn, {"CLIENT", "ID"}).reply.integer);
  EXPECT_FALSE(states_->pop(1500ms).has_value()) << conn->last_error();
  EXPECT_TRUE(conn->ready());
  // The health PINGs were really sent on this link (its last command), and answered.
  const auto client = server_.command({"CLIENT", "LIST", "ID", client_id});
  EXPECT_NE(client.find("cmd=ping"), std::string::npos) << client;
  conn->stop();
}

}  // namespace
}  // namespace rollcall::tests::redis
