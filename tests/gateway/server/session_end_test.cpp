// gateway/server/session_end.cpp: a connection's coroutine that throws ends alone; the throw is
// counted by channel and logged with its cause, quoted and bounded, at a throttled rate however
// often a client repeats it.
#include "gateway/server/session_end.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/metrics.h"
#include "tests/support/log_capture.h"
#include "tests/support/metrics_text.h"

namespace rollcall::tests::gateway::server {
namespace {

namespace asio = boost::asio;
using rollcall::gateway::Metrics;
using rollcall::gateway::use_tuple;
using rollcall::gateway::server::SessionEnd;
using support::metric_value;

template <class Thrown>
asio::awaitable<void> throw_after_a_wait(Thrown thrown) {
  asio::steady_timer wait(co_await asio::this_coro::executor, std::chrono::milliseconds(1));
  co_await wait.async_wait(use_tuple);
  throw thrown;
}

asio::awaitable<void> finish_after(std::chrono::milliseconds delay, std::atomic<int>& finished) {
  asio::steady_timer wait(co_await asio::this_coro::executor, delay);
  co_await wait.async_wait(use_tuple);
  ++finished;
}

std::string exceptions(const std::string& channel) {
  return "rollcall_session_exceptions_total{channel=\"" + channel + "\"}";
}

std::string random_bytes(std::mt19937& random, std::size_t max) {
  std::string bytes(std::uniform_int_distribution<std::size_t>(0, max)(random), '\0');
  for (auto& c : bytes) c = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(random));
  return bytes;
}

// One test: the log's throttle (a line a second, bursts of one) is shared by the process, as in
// the gateway; the test waits it out before each throw whose line it reads.
TEST(SessionEnd, AThrowEndsItsConnectionAloneAndIsCountedAndLoggedBounded) {
  support::LogCapture log;
  auto metrics = std::make_shared<Metrics>();
  // Shown from 0 before any throw: an alert on increase() sees the first one.
  for (const auto* channel : {"http", "upgrade", "desk", "venue_desk"}) {
    EXPECT_NE(metrics->render(true).find(exceptions(channel) + " 0\n"), std::string::npos)
        << channel;
  }
  asio::io_context io;
  std::atomic<int> finished{0};
  const auto run = [&] {
    io.restart();
    EXPECT_NO_THROW(io.run());
  };
  const auto logged = [&] { return log.lines_with(") ended on an exception ("); };

  // The first: logged with its channel and its cause; the other connections go on.
  asio::co_spawn(io, throw_after_a_wait(std::runtime_error("index out of range")),
                 SessionEnd(metrics, "desk"));
  for (int i = 0; i < 5; ++i) {
    asio::co_spawn(io, finish_after(std::chrono::milliseconds(20), finished),
                   SessionEnd(metrics, "http"));
  }
  run();
  EXPECT_EQ(finished, 5);
  auto text = metrics->render(true);
  EXPECT_EQ(metric_value(text, exceptions("desk")), 1u) << text;
  EXPECT_EQ(metric_value(text, exceptions("http")), 0u) << text;
  ASSERT_EQ(logged().size(), 1u);
  EXPECT_NE(logged()[0].find("a connection (desk)"), std::string::npos) << logged()[0];
  EXPECT_NE(logged()[0].find("index out of range"), std::string::npos) << logged()[0];

  // What is not a std::exception is said so.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  asio::co_spawn(io, throw_after_a_wait(42), SessionEnd(metrics, "upgrade"));
  run();
  ASSERT_EQ(logged().size(), 2u);
  EXPECT_NE(logged()[1].find("a connection (upgrade) ended on an exception (not a std::exception)"),
            std::string::npos)
      << logged()[1];

  // A cause made of a client's bytes: bounded, without a control byte.
  std::mt19937 random(20260706);
  std::string hostile = "\n[critical] forged\r\x1b[2J" + random_bytes(random, 10000);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  asio::co_spawn(io, throw_after_a_wait(std::length_error(hostile)), SessionEnd(metrics, "desk"));
  run();
  ASSERT_EQ(logged().size(), 3u);
  EXPECT_NE(logged()[2].find("\\x0a[critical] forged\\x0d\\x1b[2J"), std::string::npos)
      << logged()[2];

  // A client that found such a bug repeats it at will: every one is counted, few are logged.
  constexpr int kThrows = 300;
  for (int i = 0; i < kThrows; ++i) {
    asio::co_spawn(io, throw_after_a_wait(std::length_error(random_bytes(random, 10000))),
                   SessionEnd(metrics, "venue_desk"));
  }
  run();
  text = metrics->render(true);
  EXPECT_EQ(metric_value(text, exceptions("venue_desk")), std::uint64_t{kThrows}) << text;
  EXPECT_EQ(metric_value(text, exceptions("desk")), 2u) << text;
  const auto lines = logged();
  EXPECT_LE(lines.size(), 3u + 3u) << "one line a second, bursts of one";
  for (const auto& line : lines) {
    EXPECT_LE(line.size(), 1000u) << line.substr(0, 1000);
    for (const unsigned char c : line) ASSERT_TRUE(c >= 0x20 && c != 0x7f) << line;
  }
}

}  // namespace
}  // namespace rollcall::tests::gateway::server
