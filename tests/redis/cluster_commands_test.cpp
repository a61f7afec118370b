// ClusterCommands against a real three-primary Redis Cluster on loopback: every primary set up,
// commands on the owners of their slots, MOVED followed after a slot moved, scripts waiting out
// a slot's migration, and what cannot work through a cluster refused.
#include "redis/cluster_commands.h"

#include <atomic>
#include <future>
#include <thread>

#include "redis/hash_slot.h"
#include "tests/redis/test_helpers.h"
#include "tests/support/redis_cluster_nodes.h"

namespace rollcall::tests::redis {
namespace {

// Like the gateway's functions, `tag_incr` declares only a hash tag and derives its key from it.
const std::string kLibrary =
    "#!lua name=clustertest\n"
    "redis.register_function('tag_incr', function(keys, args)\n"
    "  return redis.call('INCR', keys[1] .. ':counter')\n"
    "end)\n";

class ClusterCommandsTest : public ::testing::Test {
 protected:
  std::shared_ptr<rr::ClusterCommands> connect() {
    auto options = options_for(cluster_.url());
    options.setup.push_back({"FUNCTION", "LOAD", "REPLACE", kLibrary});
    auto link = rr::ClusterCommands::create(io_.executor(), options);
    link->on_state_change(
        [states = states_](bool ready, const std::string&) { states->push(ready); });
    link->start();
    return link;
  }

  // A hash tag whose slot node `node` owns.
  std::string tag_on(std::size_t node, const std::string& prefix = "t") {
    for (int i = 0;; ++i) {
      const auto tag = prefix + std::to_string(i);
      if (cluster_.owner(rr::key_slot(tag)) == node) return tag;
    }
  }

  support::RedisClusterNodes cluster_;
  IoThreads io_;
  std::shared_ptr<Events<bool>> states_ = std::make_shared<Events<bool>>();
};

TEST_F(ClusterCommandsTest, EveryPrimaryIsSetUpAndEachCommandGoesToItsSlotsOwner) {
  auto link = connect();
  ASSERT_TRUE(states_->wait_for(true)) << link->last_error();
  EXPECT_TRUE(link->ready());
  for (std::size_t node = 0; node < cluster_.size(); ++node) {
    const auto tag = "{" + tag_on(node) + "}";
    for (int i = 1; i <= 3; ++i) {
      auto [ec, reply] = run(*link, {"FCALL", "tag_incr", "1", tag});
      ASSERT_FALSE(ec) << ec.message();
      ASSERT_EQ(reply.type, rr::Reply::Type::integer) << reply.str;
      EXPECT_EQ(reply.integer, i);
    }
    // The key is on its owner only, written there by the function loaded there.
    for (std::size_t other = 0; other < cluster_.size(); ++other) {
      const auto answer = cluster_.node(other).command({"GET", tag + ":counter"});
      if (other == node) {
        EXPECT_EQ(answer, "3");
      } else {
        EXPECT_TRUE(answer.starts_with("MOVED")) << answer;
      }
    }
  }
  EXPECT_EQ(link->redirects(), 0u) << "the slot map was right: no redirection";
  // Each primary's own link, for what every primary must be asked.
  const auto primaries = link->primaries();
  ASSERT_EQ(primaries.size(), cluster_.size());
  for (const auto& [address, primary] : primaries) {
    EXPECT_EQ(run(*primary, {"PING"}).reply.str, "PONG") << address;
  }
  auto [ec, pong] = run(*link, {"PING"});
  EXPECT_EQ(pong.str, "PONG") << "a command without a key goes to any primary";
  link->stop();
}

TEST_F(ClusterCommandsTest, MovedIsFollowedAfterASlotMoved) {
  auto link = connect();
  ASSERT_TRUE(states_->wait_for(true)) << link->last_error();
  const auto tag = tag_on(0);
  ASSERT_EQ(run(*link, {"SET", "{" + tag + "}:k", "v"}).reply.str, "OK");
  const auto slot = rr::key_slot(tag);
  EXPECT_EQ(cluster_.move_slot(slot, 1), 1u);
  ASSERT_TRUE(cluster_.wait_until_agreed(10s, slot, 1));
  auto [ec, reply] = run(*link, {"GET", "{" + tag + "}:k"});
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(reply.str, "v");
  EXPECT_EQ(link->redirects(), 1u);
  // The map learned it: no more redirection.
  EXPECT_EQ(run(*link, {"GET", "{" + tag + "}:k"}).reply.str, "v");
  EXPECT_EQ(link->redirects(), 1u);
  link->stop();
}

TEST_F(ClusterCommandsTest, ScriptsWaitOutAMigrationAndCountOnce) {
  auto link = connect();
  ASSERT_TRUE(states_->wait_for(true)) << link->last_error();
  const auto tag = tag_on(2);
  const auto braced = "{" + tag + "}";
  // The counter first, then keys to move one by one before it (Redis 7 lists a slot's keys
  // newest first), so that the slot is half migrated, the counter still on the source, a while.
  ASSERT_EQ(run(*link, {"FCALL", "tag_incr", "1", braced}).reply.integer, 1);
  for (int i = 0; i < 30; ++i) {
    ASSERT_EQ(run(*link, {"SET", braced + ":k" + std::to_string(i), "v"}).reply.str, "OK");
  }

  // Increments sent while the keys move: were one run on the importing node before its
  // counter got there, it would make a second counter there and the MIGRATE of the first would
  // fail (BUSYKEY).
  std::vector<std::future<Result>> pending;
  const auto increment = [&] {
    auto promise = std::make_shared<std::promise<Result>>();
    pending.push_back(promise->get_future());
    link->exec(rr::Command{"FCALL", "tag_incr", "1", braced},
               [promise](boost::system::error_code ec, rr::Reply reply) {
                 promise->set_value(Result{ec, std::move(reply)});
               });
  };
  const auto moved = cluster_.move_slot(rr::key_slot(tag), 0, 1, [&] {
    increment();
    std::this_thread::sleep_for(5ms);
  });
  EXPECT_EQ(moved, 31u);
  long long answered = 0;
  for (auto& future : pending) {
    ASSERT_EQ(future.wait_for(wait_limit), std::future_status::ready);
    auto result = future.get();
    ASSERT_FALSE(result.ec) << result.ec.message();
    ASSERT_EQ(result.reply.type, rr::Reply::Type::integer) << result.reply.str;
    ++answered;
  }
  EXPECT_EQ(cluster_.node(0).command({"GET", braced + ":counter"}), std::to_string(1 + answered));
  EXPECT_GT(link->waits(), 0u) << "the increments met the migration";
  link->stop();
}

TEST_F(ClusterCommandsTest, WhatNeedsOneNodeIsRefusedAndCounted) {
  auto link = connect();
  ASSERT_TRUE(states_->wait_for(true)) << link->last_error();
  const auto a = "{" + tag_on(0) + "}";
  const auto b = "{" + tag_on(1) + "}";
  auto cross = run(*link, {"FCALL", "tag_incr", "2", a, b});
  ASSERT_FALSE(cross.ec);
  EXPECT_TRUE(cross.reply.is_error());
  EXPECT_TRUE(cross.reply.str.starts_with("ERR rollcall cluster: CROSSSLOT")) << cross.reply.str;
  auto multi = run(*link, {"MULTI"});
  EXPECT_TRUE(multi.reply.str.starts_with("ERR rollcall cluster: MULTI")) << multi.reply.str;
  EXPECT_EQ(link->refused(), 2u);
  link->stop();
}

// A primary killed: the link is not ready until one of its replicas owns its slots, then the
// link reads the new map by itself, whether commands keep failing against the dead primary
// (a flood of them must not put the map's refresh off) or nothing is asked at all.
TEST(ClusterCommandsFailover, AKilledPrimaryIsFollowedToItsReplicaWithOrWithoutTraffic) {
  support::RedisClusterNodes cluster(3, 1, 1000ms);
  IoThreads io;
  auto states = std::make_shared<Events<bool>>();
  auto link = rr::ClusterCommands::create(io.executor(), options_for(cluster.url()));
  link->on_state_change([states](bool ready, const std::string&) { states->push(ready); });
  link->start();
  ASSERT_TRUE(states->wait_for(true)) << link->last_error();

  for (const bool flood : {true, false}) {
    SCOPED_TRACE(flood ? "a flood of commands" : "no traffic");
    // A primary's key, written while the replica is in sync.
    std::size_t primary = 0;
    while (cluster.node(primary).command({"ROLE"}).substr(0, 6) != "master") ++primary;
    std::string tag;
    for (int i = 0; tag.empty(); ++i) {
      const auto candidate = "f" + std::to_string(i);
      if (cluster.owner(rr::key_slot(candidate)) == primary) tag = "{" + candidate + "}";
    }
    ASSERT_EQ(run(*link, {"SET", tag + ":k", "v"}).reply.str, "OK");
    // A replica that came back in the last round may still be syncing.
    ASSERT_TRUE(cluster.wait_until_replicated(primary, 30s))
        << "no replica of node " << primary << " has the key";

    while (states->pop(std::chrono::milliseconds(0))) {  // the last round's
    }
    cluster.node(primary).kill();
    ASSERT_TRUE(states->wait_for(false)) << "the loss is seen";
    std::atomic<bool> flooding{flood};
    std::atomic<int> sent{0};
    std::thread flooder([&] {
      while (flooding) {
        link->exec({"GET", tag + ":k"}, [](boost::system::error_code, rr::Reply) {});
        ++sent;
        std::this_thread::sleep_for(2ms);
      }
    });
    const bool followed = states->wait_for(true, 30s);
    flooding = false;
    flooder.join();
    ASSERT_TRUE(followed) << link->last_error();
    // The link may have asked a node that learnt of the failover before the others.
    const auto owner = cluster.agreed_owner(rr::key_slot(tag.substr(1, tag.size() - 2)), 10s);
    EXPECT_LT(owner, cluster.size()) << "the nodes agree on the slot's owner";
    EXPECT_NE(owner, primary);
    if (flood) {
      EXPECT_GT(sent.load(), 100) << "the flood ran while the link was down";
    }
    auto [ec, reply] = run(*link, {"GET", tag + ":k"});
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(reply.str, "v") << "the replica had the key";
    cluster.node(primary).start();  // back, as a replica, for the next round
    ASSERT_TRUE(cluster.wait_until_agreed(30s));
  }
  link->stop();
}

}  // namespace
}  // namespace rollcall::tests::redis
