// SyncSession (the tools' blocking link) on a real three-primary Redis Cluster: a command (or a
// transaction) whose slot is another node's is MOVED there, and what every node must have (a
// script or Functions library, which a cluster keeps per node) reaches the nodes the session
// meets later too. And on one Redis: a connection Redis closed while the session was idle (a
// restart, CLIENT KILL, its idle timeout) fails the next call with a reason, for a batch too large
// for one write as well, which raises SIGPIPE (redis/sigpipe_guard.h).
#include "redis/sync_session.h"

#include <gtest/gtest.h>

#include <csignal>
#include <functional>
#include <stdexcept>

#include "redis/hash_slot.h"
#include "tests/support/gateway_process.h"
#include "tests/support/redis_cluster_nodes.h"
#include "tests/support/redis_server.h"

namespace rollcall::tests::redis {
namespace {

namespace rr = rollcall::redis;

const std::string kLibrary =
    "#!lua name=synctest\n"
    "redis.register_function('tag_incr', function(keys, args)\n"
    "  return redis.call('INCR', keys[1])\n"
    "end)\n";

class SyncSessionCluster : public ::testing::Test {
 protected:
  // A key whose slot node `node` owns.
  std::string key_on(std::size_t node, const std::string& prefix = "k") {
    for (int i = 0;; ++i) {
      const auto key = prefix + std::to_string(i);
      if (cluster_.owner(rr::key_slot(key)) == node) return key;
    }
  }
  rr::Url url_of(std::size_t node) {
    std::string error;
    return rr::Url::parse(cluster_.node(node).url(), &error).value();
  }

  support::RedisClusterNodes cluster_;
};

TEST_F(SyncSessionCluster, CommandsFollowMovedToTheirSlotsOwner) {
  rr::SyncSession session(url_of(0));
  for (std::size_t node = 0; node < cluster_.size(); ++node) {
    const auto key = key_on(node);
    session.command({"SET", key, "v" + std::to_string(node)});
    EXPECT_EQ(cluster_.node(node).command({"GET", key}), "v" + std::to_string(node));
    EXPECT_EQ(session.command({"GET", key}), "v" + std::to_string(node));
  }
  // Pipelined and appended writes too.
  const auto far = key_on(2, "n");
  const auto replies = session.pipeline({{"INCR", far}, {"INCR", key_on(0, "n")}, {"INCR", far}});
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_EQ(replies[2].integer, 2);
  session.append({"SET", key_on(1), "appended"});
  session.flush();
  EXPECT_EQ(cluster_.node(1).command({"GET", key_on(1)}), "appended");

  // A transaction of another node's slot is refused whole here (EXECABORT) and runs whole there.
  const auto tag = "{" + key_on(2, "t") + "}";
  const auto done =
      session.pipeline({{"MULTI"}, {"SET", tag + "a", "1"}, {"INCRBY", tag + "b", "5"}, {"EXEC"}});
  ASSERT_EQ(done.size(), 4u);
  ASSERT_EQ(done[3].type, rr::Reply::Type::array) << done[3].str;
  ASSERT_EQ(done[3].elements.size(), 2u);
  EXPECT_EQ(done[3].elements[1].integer, 5);
  EXPECT_EQ(cluster_.node(2).command({"GET", tag + "b"}), "5");
}

TEST_F(SyncSessionCluster, AClusterUrlIsReachedThroughItsFirstNodeThatAnswers) {
  const auto dead = support::free_loopback_port();
  const auto node_url = cluster_.url();  // redis+cluster://127.0.0.1:P1,...
  const auto with_dead = "redis+cluster://127.0.0.1:" + std::to_string(dead) + "," +
                         node_url.substr(std::string("redis+cluster://").size());
  std::string error;
  const auto url = rr::Url::parse(with_dead, &error);
  ASSERT_TRUE(url) << error;
  rr::SyncSession session(*url);
  for (std::size_t node = 0; node < cluster_.size(); ++node) {
    session.command({"SET", key_on(node, "c"), "x"});
    EXPECT_EQ(cluster_.node(node).command({"GET", key_on(node, "c")}), "x");
  }
  // None answers: each is named with its reason.
  const auto all_dead = rr::Url::parse(
      "redis+cluster://127.0.0.1:" + std::to_string(dead) + ",127.0.0.1:" + std::to_string(dead),
      &error);
  ASSERT_TRUE(all_dead) << error;
  try {
    rr::SyncSession refused(*all_dead);
    ADD_FAILURE() << "connected to no server";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("cannot connect to any node of the redis cluster: 127.0.0.1:" +
                        std::to_string(dead) + ": "),
              std::string::npos)
        << what;
  }
}

TEST_F(SyncSessionCluster, WhatEveryNodeNeedsReachesTheNodesMetLater) {
  const auto here = key_on(0), there = key_on(1), later = key_on(2);
  {
    // The premise: a library loaded on the first node only is missing where a call is MOVED.
    rr::SyncSession session(url_of(0));
    session.query({"FUNCTION", "LOAD", "REPLACE", kLibrary});
    EXPECT_EQ(session.query({"FCALL", "tag_incr", "1", here}).integer, 1);
    try {
      session.query({"FCALL", "tag_incr", "1", there});
      ADD_FAILURE() << "node 1 has no library, yet the call ran";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("Function not found"), std::string::npos) << e.what();
    }
  }
  rr::SyncSession session(url_of(0));
  // Node 1 is met before (the failed call above is this session's too), node 2 only after.
  EXPECT_THROW(session.query({"FCALL", "tag_incr", "1", there}), std::runtime_error);
  session.on_every_node({"FUNCTION", "LOAD", "REPLACE", kLibrary});
  EXPECT_EQ(session.query({"FCALL", "tag_incr", "1", here}).integer, 2);
  EXPECT_EQ(session.query({"FCALL", "tag_incr", "1", there}).integer, 1);
  EXPECT_EQ(session.query({"FCALL", "tag_incr", "1", later}).integer, 1);
  for (std::size_t node = 0; node < cluster_.size(); ++node) {
    EXPECT_NE(cluster_.node(node).command({"FUNCTION", "LIST", "LIBRARYNAME", "synctest"}), "")
        << "node " << node;
  }
  // A node's refusal is the caller's error.
  EXPECT_THROW(session.on_every_node({"FUNCTION", "LOAD", "not lua"}), std::runtime_error);
}

// Each way a tool writes, on a connection Redis has just closed: a batch of 8 MiB, more than the
// socket takes at once, is written in several calls, and the ones after Redis's reset raise
// SIGPIPE. SIGPIPE keeps its default action here, as in the tools: without the guard the test
// binary dies.
TEST(SyncSessionClosed, ACallOnAConnectionRedisClosedFailsWithAReason) {
  support::RedisServer redis;
  void (*previous)(int) = std::signal(SIGPIPE, SIG_DFL);
  std::string error;
  const auto url = rr::Url::parse(redis.url(), &error).value();
  const std::string big(8 << 20, 'x');
  const std::vector<std::function<void(rr::SyncSession&)>> calls = {
      [&](rr::SyncSession& s) {
        s.command({"SET", "k", big});
      },
      [&](rr::SyncSession& s) {
        s.query({"SET", "k", big});
      },
      [&](rr::SyncSession& s) {
        s.pipeline({{"SET", "a", big}, {"SET", "b", big}});
      },
      [&](rr::SyncSession& s) {
        for (int i = 0; i < 8; ++i) s.append({"SET", "k" + std::to_string(i), big});
        s.flush();
      },
      [&](rr::SyncSession& s) { s.command({"PING"}); },  // small: the reply's end of file
  };
  for (std::size_t i = 0; i < calls.size(); ++i) {
    rr::SyncSession session(url);
    const auto id = session.command({"CLIENT", "ID"}).value();
    ASSERT_EQ(redis.command({"CLIENT", "KILL", "ID", id}), "1");
    try {
      calls[i](session);
      ADD_FAILURE() << "call " << i << " succeeded on a closed connection";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("redis at 127.0.0.1:"), std::string::npos)
          << "call " << i << ": " << e.what();
    }
  }
  // Nothing of the failed calls was stored, and a new session works.
  EXPECT_EQ(redis.command({"DBSIZE"}), "0");
  rr::SyncSession again(url);
  EXPECT_EQ(again.command({"PING"}), "PONG");
  std::signal(SIGPIPE, previous);
}

}  // namespace
}  // namespace rollcall::tests::redis
