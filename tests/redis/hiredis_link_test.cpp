#include "redis/hiredis_link.h"

#include <csignal>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include "tests/redis/test_helpers.h"
#include "tests/support/redis_server.h"

namespace rollcall::tests::redis {
namespace {

using rr::HiredisLink;
using rr::Reply;
using support::RedisServer;

// A link on a loop the test turns itself: nothing is written at the end of a turn unless the
// test runs the loop.
class Link {
 public:
  explicit Link(const RedisServer& server)
      : link_(boost::asio::make_strand(boost::asio::any_io_executor(io_.get_executor())), guard_,
              {.reply = [this](HiredisLink::LinkId, HiredisLink::Tag tag,
                               Reply reply) { replies_.emplace_back(tag, std::move(reply)); },
               .lost = [this](HiredisLink::LinkId, bool,
                              std::string detail) { lost_ = std::move(detail); }}) {
    std::string error;
    if (!link_.open("127.0.0.1", server.port(), 1, &error)) throw std::runtime_error(error);
  }

  HiredisLink& link() { return link_; }
  const std::vector<std::pair<HiredisLink::Tag, Reply>>& replies() const { return replies_; }
  const std::string& lost() const { return lost_; }
  void forget_loss() { lost_.clear(); }

  // Turns the loop until `count` replies came (or the link was lost, or the wait limit).
  bool run_until(std::size_t count) {
    const auto deadline = std::chrono::steady_clock::now() + wait_limit;
    while (replies_.size() < count && lost_.empty() &&
           std::chrono::steady_clock::now() < deadline) {
      io_.run_for(10ms);
      io_.restart();
    }
    return replies_.size() >= count;
  }

 private:
  boost::asio::io_context io_;
  std::shared_ptr<int> guard_ = std::make_shared<int>(0);
  std::vector<std::pair<HiredisLink::Tag, Reply>> replies_;
  std::string lost_;
  HiredisLink link_;
};

std::string pushed(int i) {
  return std::string(400, static_cast<char>('a' + i % 26));
}

// Under load a turn of the loop queues many commands (a scan per desk read). Redis must get the
// first of them while the turn goes on, not all of them at its end: it would run them all before
// answering any while the gateway waits, and the gateway would then answer them all while Redis
// waits (the ingest bench's scans per second rose 1.6x with this).
TEST(HiredisLink, WritesOnceAFewCommandsAreBufferedNotAtTheEndOfTheTurn) {
  RedisServer server;
  Link link(server);
  ASSERT_TRUE(link.link().send(rr::Command{"PING"}, 0));
  ASSERT_TRUE(link.run_until(1)) << link.lost();  // connected

  constexpr int count = 20;  // about 8.6 KiB
  for (int i = 1; i <= count; ++i) {
    ASSERT_TRUE(link.link().send(rr::Command{"RPUSH", "turn", pushed(i)}, i));
  }
  // The loop has not turned since: what Redis has came from send() itself.
  const auto deadline = std::chrono::steady_clock::now() + wait_limit;
  long long written = 0;
  while ((written = std::stoll(server.command({"LLEN", "turn"}))) < count / 2 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_GE(written, count / 2) << "Redis got " << written << " of " << count
                                << " commands before the loop's turn ended";

  // The rest at the end of the turn; each answered once, in order.
  ASSERT_TRUE(link.run_until(1 + count)) << link.lost();
  ASSERT_EQ(link.replies().size(), 1u + count);
  for (int i = 1; i <= count; ++i) {
    EXPECT_EQ(link.replies()[i].first, static_cast<HiredisLink::Tag>(i));
    EXPECT_EQ(link.replies()[i].second.integer, i);
  }
  EXPECT_EQ(server.command({"LINDEX", "turn", "-1"}), pushed(count));
}

// Redis closed the connection (CLIENT KILL) and the gateway has not read it yet: the early
// writes of a busy turn meet the closed connection inside send(). The link ends as it does when
// the loop finds it closed: lost once, the commands refused from then on, a new one opens.
// (SIGPIPE ignored, as rollcall-gateway's main does: hiredis writes with write(2).)
TEST(HiredisLink, ARedisThatClosedTheConnectionEndsTheLinkAtAnEarlyWrite) {
  struct IgnoredSigpipe {
    void (*previous)(int) = std::signal(SIGPIPE, SIG_IGN);
    ~IgnoredSigpipe() { std::signal(SIGPIPE, previous); }
  } ignored;
  RedisServer server;
  Link link(server);
  ASSERT_TRUE(link.link().send(rr::Command{"PING"}, 0));
  ASSERT_TRUE(link.run_until(1)) << link.lost();
  server.command({"CLIENT", "KILL", "TYPE", "normal"});  // ours, not the one asking
  std::this_thread::sleep_for(100ms);                    // its FIN has arrived

  int accepted = 0;
  for (int i = 1; i <= 20; ++i) accepted += link.link().send(rr::Command{"SET", "k", pushed(i)}, i);
  EXPECT_LT(accepted, 20) << "no early write met the closed connection";
  EXPECT_FALSE(link.link().is_open());
  link.run_until(2);  // the loss is posted
  EXPECT_FALSE(link.lost().empty());
  EXPECT_EQ(link.replies().size(), 1u);  // the commands sent into it are not answered

  link.forget_loss();
  std::string error;
  ASSERT_TRUE(link.link().open("127.0.0.1", server.port(), 2, &error)) << error;
  ASSERT_TRUE(link.link().send(rr::Command{"PING"}, 99));
  ASSERT_TRUE(link.run_until(2)) << link.lost();
  EXPECT_EQ(link.replies().back().first, 99u);
}

// Commands sent before the connection is up, more than the early write's threshold, are all
// answered in order once it is. (send() does not write them early: hiredis would take a socket
// still connecting for connected. On loopback the connect is too quick for this to show.)
TEST(HiredisLink, CommandsSentBeforeTheConnectionIsUpAreAnsweredOnceConnected) {
  RedisServer server;
  Link link(server);
  constexpr int count = 20;
  for (int i = 1; i <= count; ++i) {
    ASSERT_TRUE(link.link().send(rr::Command{"RPUSH", "early", pushed(i)}, i));
  }
  ASSERT_TRUE(link.run_until(count)) << link.lost();
  for (int i = 0; i < count; ++i) {
    EXPECT_EQ(link.replies()[i].first, static_cast<HiredisLink::Tag>(i + 1));
    EXPECT_EQ(link.replies()[i].second.integer, i + 1);
  }
  EXPECT_TRUE(link.lost().empty()) << link.lost();
}

}  // namespace
}  // namespace rollcall::tests::redis
