// Issue 8: a connection given a Sentinel URL finds the primary and follows a failover.
#include <signal.h>

#include <atomic>
#include <iostream>
#include <thread>

#include <gtest/gtest.h>

#include "redis/connection.h"
#include "tests/redis/test_helpers.h"
#include "tests/support/replication_cluster.h"

namespace rollcall::tests::redis {
namespace {

using support::ReplicationCluster;

using rr::Reply;
using Message = std::pair<std::string, std::string>;

// Sentinels need a few seconds to discover the replica and each other, and a failover takes
// down-after (1 s) plus an election; both are bounded generously.
constexpr auto cluster_limit = 60s;
constexpr auto failover_limit = 45s;

const std::string echo_library =
    "#!lua name=rolltest\n"
    "redis.register_function('rolltest_echo', function(keys, args) return args[1] end)\n";

class RedisSentinel : public ::testing::Test {
 protected:
  rr::Connection::Options options() {
    auto options = options_for(cluster_.sentinel_url());
    options.connect_timeout = 1000ms;
    return options;
  }

  ReplicationCluster cluster_{3};
  IoThreads io_;
};

TEST_F(RedisSentinel, FindsThePrimaryThroughTheSentinels) {
  auto options = this->options();
  options.setup = {{"CLIENT", "SETNAME", "rolltest-commands"}};
  // The first sentinel is dead: the connection skips it.
  cluster_.sentinel(0).kill();
  auto conn = rr::Connection::create(io_.executor(), options);
  auto states = std::make_shared<Events<bool>>();
  conn->on_state_change([states](bool ready) { states->push(ready); });
  conn->start();
  ASSERT_TRUE(states->wait_for(true)) << conn->last_error();
  auto port = run(*conn, {"CONFIG", "GET", "port"});
  ASSERT_EQ(port.reply.elements.size(), 2u);
  EXPECT_EQ(port.reply.elements[1].str, std::to_string(cluster_.primary().port()));
  EXPECT_NE(cluster_.primary().command({"CLIENT", "LIST"}).find("name=rolltest-commands"),
            std::string::npos);
  conn->stop();
}

TEST_F(RedisSentinel, FrozenSentinelIsSkippedAfterItsTimeout) {
  // The first sentinel accepts connections (the kernel does) but never answers.
  ASSERT_EQ(::kill(cluster_.sentinel(0).pid(), SIGSTOP), 0);
  struct Resume {
    pid_t pid;
    ~Resume() { ::kill(pid, SIGCONT); }
  } resume{cluster_.sentinel(0).pid()};
  cluster_.sentinel(1).kill();
  auto conn = rr::Connection::create(io_.executor(), options());  // 1 s per sentinel
  auto states = std::make_shared<Events<bool>>();
  conn->on_state_change([states](bool ready) { states->push(ready); });
  conn->start();
  ASSERT_TRUE(states->wait_for(true)) << conn->last_error();
  EXPECT_FALSE(run(*conn, {"SET", "k", "v"}).ec);
  conn->stop();
}

TEST_F(RedisSentinel, NoSentinelLeftSaysWhyForEach) {
  for (size_t i = 0; i < 3; ++i) cluster_.sentinel(i).kill();
  auto conn = rr::Connection::create(io_.executor(), options());
  conn->start();
  ASSERT_TRUE(eventually([&] { return !conn->last_error().empty(); }));
  const auto error = conn->last_error();
  EXPECT_NE(error.find("no sentinel told the primary of rolltest"), std::string::npos) << error;
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_NE(error.find("127.0.0.1:" + std::to_string(cluster_.sentinel(i).port())),
              std::string::npos)
        << error;
  }
  EXPECT_FALSE(conn->ready());
  conn->stop();
}

TEST_F(RedisSentinel, UnknownMasterNameIsAClearError) {
  auto options = options_for(cluster_.sentinel_url() + "-nobody");
  auto conn = rr::Connection::create(io_.executor(), options);
  conn->start();
  ASSERT_TRUE(eventually([&] { return !conn->last_error().empty(); }));
  EXPECT_NE(conn->last_error().find("does not know master rolltest-nobody"), std::string::npos)
      << conn->last_error();
  EXPECT_FALSE(conn->ready());
  conn->stop();
}

TEST_F(RedisSentinel, ReadonlyReplyMakesItReconnectToAPrimary) {
  auto conn = rr::Connection::create(io_.executor(), options());
  auto states = std::make_shared<Events<bool>>();
  conn->on_state_change([states](bool ready) { states->push(ready); });
  conn->start();
  ASSERT_TRUE(states->wait_for(true)) << conn->last_error();
  ASSERT_FALSE(run(*conn, {"SET", "k", "1"}).ec);

  // The primary is demoted under the connection (as a failover does), its link kept open.
  support::RedisServer elsewhere({"--appendonly", "no"});
  cluster_.primary().command({"REPLICAOF", "127.0.0.1", std::to_string(elsewhere.port())});
  auto refused = run(*conn, {"SET", "k", "2"});
  EXPECT_EQ(refused.ec, rr::error::unavailable) << "a READONLY reply must not pass as a reply";
  ASSERT_TRUE(states->wait_for(false));
  // It will not settle on a replica: the ROLE check refuses it.
  ASSERT_TRUE(eventually([&] {
    return conn->last_error().find("is not the primary") != std::string::npos;
  })) << conn->last_error();
  EXPECT_FALSE(conn->ready());

  cluster_.primary().command({"REPLICAOF", "NO", "ONE"});
  ASSERT_TRUE(states->wait_for(true)) << conn->last_error();
  EXPECT_FALSE(run(*conn, {"SET", "k", "3"}).ec);
  conn->stop();
}

TEST_F(RedisSentinel, FollowsAFailoverRerunsSetupAndResubscribes) {
  ASSERT_TRUE(cluster_.wait_until_ready(cluster_limit)) << "sentinels never saw the replica";
  const auto old_port = std::to_string(cluster_.primary().port());
  const auto new_port = std::to_string(cluster_.replica().port());

  auto options = this->options();
  options.setup = {{"FUNCTION", "LOAD", "REPLACE", echo_library},
                   {"CLIENT", "SETNAME", "rolltest-commands"}};
  auto conn = rr::Connection::create(io_.executor(), options);
  auto states = std::make_shared<Events<bool>>();
  conn->on_state_change([states](bool ready) { states->push(ready); });
  conn->start();

  auto subscriber = rr::Connection::create(io_.executor(), this->options());
  auto sub_states = std::make_shared<Events<bool>>();
  auto messages = std::make_shared<Events<Message>>();
  subscriber->on_state_change([sub_states](bool ready) { sub_states->push(ready); });
  subscriber->on_message([messages](const std::string& channel, const std::string& payload) {
    messages->push({channel, payload});
  });
  subscriber->subscribe("changes:a");
  subscriber->start();

  ASSERT_TRUE(states->wait_for(true)) << conn->last_error();
  ASSERT_TRUE(sub_states->wait_for(true)) << subscriber->last_error();
  EXPECT_EQ(run(*conn, {"FCALL", "rolltest_echo", "0", "before"}).reply.str, "before");
  cluster_.primary().command({"PUBLISH", "changes:a", "before"});
  auto before = messages->pop();
  ASSERT_TRUE(before);
  EXPECT_EQ(before->second, "before");

  // Commands keep coming during the failover; each must succeed or fail as unavailable.
  std::atomic<bool> stop{false};
  std::atomic<int> succeeded{0}, unavailable{0}, other{0};
  std::string other_error;
  std::mutex other_mutex;
  std::thread driver([&] {
    while (!stop) {
      auto result = run(*conn, {"INCR", "during"});
      if (!result.ec && result.reply.type == Reply::Type::integer) {
        succeeded++;
      } else if (result.ec == rr::error::unavailable) {
        unavailable++;
      } else {
        std::lock_guard lock(other_mutex);
        other++;
        other_error = result.ec ? result.ec.message() : result.reply.str;
      }
      std::this_thread::sleep_for(20ms);
    }
  });

  const auto killed_at = std::chrono::steady_clock::now();
  cluster_.primary().kill();  // SIGKILL
  ASSERT_TRUE(states->wait_for(false, failover_limit));
  ASSERT_TRUE(states->wait_for(true, failover_limit))
      << "no failover followed: " << conn->last_error();
  ASSERT_TRUE(sub_states->wait_for(false, failover_limit));
  ASSERT_TRUE(sub_states->wait_for(true, failover_limit)) << subscriber->last_error();
  const auto switch_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - killed_at);
  const int succeeded_at_switch = succeeded.load();
  const int unavailable_at_switch = unavailable.load();
  ASSERT_TRUE(eventually([&] { return succeeded.load() >= succeeded_at_switch + 10; }));
  stop = true;
  driver.join();
  EXPECT_EQ(other.load(), 0) << other_error;
  EXPECT_GT(unavailable.load(), 0) << "the switch was not noticed";
  // Failures only during the switch (one may have been in flight as we saw it end).
  EXPECT_LE(unavailable.load(), unavailable_at_switch + 1);
  std::cout << "[   info   ] failover followed in " << switch_ms.count() << " ms; "
            << unavailable.load() << " commands unavailable, " << succeeded.load()
            << " succeeded\n";

  // The connection is on the promoted replica, which is really the primary now.
  auto port = run(*conn, {"CONFIG", "GET", "port"});
  ASSERT_EQ(port.reply.elements.size(), 2u);
  EXPECT_EQ(port.reply.elements[1].str, new_port);
  EXPECT_NE(port.reply.elements[1].str, old_port);
  auto role = run(*conn, {"ROLE"});
  ASSERT_FALSE(role.reply.elements.empty());
  EXPECT_EQ(role.reply.elements[0].str, "master");
  // Setup ran again there (the client name is per connection, not replicated).
  EXPECT_NE(cluster_.replica().command({"CLIENT", "LIST"}).find("name=rolltest-commands"),
            std::string::npos);
  EXPECT_EQ(run(*conn, {"FCALL", "rolltest_echo", "0", "after"}).reply.str, "after");
  // Writes work, and after the switch every command succeeded.
  auto incr = run(*conn, {"INCR", "after"});
  EXPECT_FALSE(incr.ec);
  EXPECT_EQ(incr.reply.integer, 1);

  // The subscriber is subscribed on the new primary: ready means messages arrive.
  cluster_.replica().command({"PUBLISH", "changes:a", "after"});
  auto after = messages->pop();
  ASSERT_TRUE(after) << subscriber->last_error();
  EXPECT_EQ(*after, Message("changes:a", "after"));

  subscriber->stop();
  conn->stop();
}

}  // namespace
}  // namespace rollcall::tests::redis
