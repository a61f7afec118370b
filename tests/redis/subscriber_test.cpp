#include <gtest/gtest.h>

#include "redis/connection.h"
#include "tests/redis/test_helpers.h"
#include "tests/support/redis_server.h"

namespace rollcall::tests::redis {
namespace {

using Message = std::pair<std::string, std::string>;

class RedisSubscriber : public ::testing::Test {
 protected:
  std::shared_ptr<rr::Connection> subscriber(std::vector<std::string> channels) {
    auto conn = rr::Connection::create(io_.executor(), options_for(server_.url()));
    conn->on_state_change([states = states_](bool ready) { states->push(ready); });
    conn->on_message(
        [messages = messages_](const std::string& channel, const std::string& payload) {
          messages->push({channel, payload});
        });
    for (const auto& c : channels) conn->subscribe(c);
    conn->start();
    return conn;
  }

  std::string subscribers(const std::string& channel) {
    return server_.command({"PUBSUB", "NUMSUB", channel});
  }

  support::RedisServer server_;
  IoThreads io_;
  std::shared_ptr<Events<bool>> states_ = std::make_shared<Events<bool>>();
  std::shared_ptr<Events<Message>> messages_ = std::make_shared<Events<Message>>();
};

TEST_F(RedisSubscriber, ReceivesMessagesOnceReady) {
  auto conn = subscriber({"changes:a", "changes:b"});
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  // Ready means subscribed: nothing published from now on is lost.
  server_.command({"PUBLISH", "changes:a", "one"});
  server_.command({"PUBLISH", "changes:b", std::string("t\0o", 3)});
  auto first = messages_->pop();
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, Message("changes:a", "one"));
  auto second = messages_->pop();
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, Message("changes:b", std::string("t\0o", 3)));
  conn->stop();
}

TEST_F(RedisSubscriber, HealthCheckKeepsAHealthySubscriberUp) {
  auto conn = subscriber({"changes:a"});
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  // Several health intervals (200 ms) pass without a reconnect.
  EXPECT_FALSE(states_->pop(1200ms).has_value()) << conn->last_error();
  EXPECT_TRUE(conn->ready());
  server_.command({"PUBLISH", "changes:a", "still here"});
  auto got = messages_->pop();
  ASSERT_TRUE(got);
  EXPECT_EQ(got->second, "still here");
  conn->stop();
}

TEST_F(RedisSubscriber, HealthCheckNoticesASilentServer) {
  auto conn = subscriber({"changes:a"});
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  server_.command({"CLIENT", "PAUSE", "1500", "ALL"});
  ASSERT_TRUE(states_->wait_for(false));
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  conn->stop();
}

TEST_F(RedisSubscriber, ResubscribesAfterRestart) {
  auto conn = subscriber({"changes:a"});
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  server_.kill();
  ASSERT_TRUE(states_->wait_for(false));
  server_.start();
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  server_.command({"PUBLISH", "changes:a", "after restart"});
  auto got = messages_->pop();
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, Message("changes:a", "after restart"));
  conn->stop();
}

TEST_F(RedisSubscriber, SubscribeAndUnsubscribeWhileReady) {
  auto conn = subscriber({"changes:a"});
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  conn->subscribe("changes:late");
  ASSERT_TRUE(eventually([&] { return subscribers("changes:late") == "changes:late\n1"; }));
  server_.command({"PUBLISH", "changes:late", "hi"});
  auto got = messages_->pop();
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, Message("changes:late", "hi"));

  conn->unsubscribe("changes:a");
  ASSERT_TRUE(eventually([&] { return subscribers("changes:a") == "changes:a\n0"; }));
  EXPECT_TRUE(conn->ready());
  conn->stop();
}

TEST_F(RedisSubscriber, ExecIsRefused) {
  auto conn = subscriber({"changes:a"});
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  EXPECT_EQ(run(*conn, {"GET", "k"}).ec, rr::error::subscriber_mode);
  conn->stop();
}

TEST_F(RedisSubscriber, StopsDeliveringAfterStop) {
  auto conn = subscriber({"changes:a"});
  ASSERT_TRUE(states_->wait_for(true)) << conn->last_error();
  conn->stop();
  ASSERT_TRUE(eventually([&] { return subscribers("changes:a") == "changes:a\n0"; }));
  server_.command({"PUBLISH", "changes:a", "nobody"});
  EXPECT_FALSE(messages_->pop(200ms).has_value());
}

}  // namespace
}  // namespace rollcall::tests::redis
