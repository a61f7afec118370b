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

// One test: the log's throttle is shared by the process, as in the gateway.
TEST(SessionEnd, AThrowEndsItsConnectionAloneAndIsCountedAndLoggedBounded) {
  support::LogCapture log;
  auto metrics = std::make_shared<Metrics>();
  asio::io_context io;
  std::atomic<int> finished{0};

  // The first: logged with its channel and its cause; the other connections go on.
  asio::co_spawn(io, throw_after_a_wait(std::runtime_error("index out of range")),
                 SessionEnd(metrics, "desk"));
  for (int i = 0; i < 5; ++i) {
    asio::co_spawn(io, finish_after(std::chrono::milliseconds(20), finished),
                   SessionEnd(metrics, "display"));
  }
  EXPECT_NO_THROW(io.run());
  EXPECT_EQ(finished, 5);
  auto text = metrics->render(true);
  EXPECT_EQ(metric_value(text, exceptions("desk")), 1u) << text;
  EXPECT_EQ(metric_value(text, exceptions("display")), 0u) << text;
  const auto first = log.lines_with("connection ended on an exception");
  ASSERT_EQ(first.size(), 1u);
  EXPECT_NE(first[0].find("a desk connection"), std::string::npos) << first[0];
  EXPECT_NE(first[0].find("index out of range"), std::string::npos) << first[0];

  // A client that found such a bug repeats it with causes of its choosing: every one is counted,
  // few are logged, and none is echoed beyond the bound or with its control bytes.
  constexpr int kThrows = 300;
  std::mt19937 random(20260706);
  for (int i = 0; i < kThrows; ++i) {
    std::string what(std::uniform_int_distribution<std::size_t>(0, 10000)(random), '\0');
    for (auto& c : what) c = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(random));
    if (i % 7 == 0) {
      asio::co_spawn(io, throw_after_a_wait(42), SessionEnd(metrics, "beacon"));
    } else {
      asio::co_spawn(io, throw_after_a_wait(std::length_error(what)),
                     SessionEnd(metrics, "beacon"));
    }
  }
  io.restart();
  EXPECT_NO_THROW(io.run());
  text = metrics->render(true);
  EXPECT_EQ(metric_value(text, exceptions("beacon")), std::uint64_t{kThrows}) << text;
  const auto lines = log.lines_with("connection ended on an exception");
  EXPECT_LE(lines.size(), 1u + 3u) << "one line a second, bursts of one";
  for (const auto& line : lines) {
    EXPECT_LE(line.size(), 1000u) << line.substr(0, 1000);
    for (const unsigned char c : line) ASSERT_TRUE(c >= 0x20 && c != 0x7f) << line;
  }
}

}  // namespace
}  // namespace rollcall::tests::gateway::server
