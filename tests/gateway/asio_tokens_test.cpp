// gateway/asio_tokens.h: a loop spawned with rethrow_to_pool that throws stops the whole pool and
// reaches IoPool::run's caller, on whichever thread it ran; none of the gateway's coroutines is
// spawned `detached`, where a throw would end it without a word.
#include "gateway/asio_tokens.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>

#include "gateway/io_pool.h"

namespace rollcall::tests::gateway {
namespace {

namespace asio = boost::asio;
using rollcall::gateway::IoPool;
using rollcall::gateway::rethrow_to_pool;
using rollcall::gateway::use_tuple;

// Throws from a resumed coroutine, as a real loop would, once the others have finished.
asio::awaitable<void> throw_after(const std::atomic<int>& finished, int others, std::string what) {
  asio::steady_timer wait(co_await asio::this_coro::executor);
  while (finished < others) {
    wait.expires_after(std::chrono::milliseconds(1));
    co_await wait.async_wait(use_tuple);
  }
  throw std::runtime_error(what);
}

asio::awaitable<void> finish_after_a_wait(std::atomic<int>& finished) {
  asio::steady_timer wait(co_await asio::this_coro::executor, std::chrono::milliseconds(5));
  co_await wait.async_wait(use_tuple);
  ++finished;
}

TEST(RethrowToPool, ALoopThatThrowsOnAnyContextStopsThePoolWithItsCause) {
  constexpr int kContexts = 3;
  for (int thrower = 0; thrower < kContexts; ++thrower) {
    IoPool pool(kContexts);
    std::vector<asio::any_io_executor> contexts;
    for (int i = 0; i < kContexts; ++i) contexts.push_back(pool.next());
    // Without the token the throw would vanish and the pool run on: this guard ends the wait.
    std::atomic<bool> guard_fired{false};
    asio::steady_timer guard(pool.shared(), std::chrono::seconds(20));
    guard.async_wait([&](boost::system::error_code ec) {
      if (ec) return;
      guard_fired = true;
      pool.stop();
    });
    std::atomic<int> finished{0};
    for (int i = 0; i < kContexts; ++i) {
      asio::co_spawn(contexts[i], finish_after_a_wait(finished), rethrow_to_pool);
    }
    asio::co_spawn(contexts[thrower],
                   throw_after(finished, kContexts, "loop " + std::to_string(thrower)),
                   rethrow_to_pool);
    try {
      pool.run();
      ADD_FAILURE() << "run() returned without the throw of context " << thrower;
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()), "loop " + std::to_string(thrower));
    }
    EXPECT_FALSE(guard_fired) << thrower;
    EXPECT_EQ(finished, kContexts) << "a loop that ended normally threw nothing";
  }
}

// The rule behind the token, checked on the sources so a new loop cannot forget it.
TEST(RethrowToPool, NoCoroutineOfTheGatewayIsSpawnedDetached) {
  const std::filesystem::path root = ROLLCALL_SOURCE_DIR "/gateway";
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    const auto& path = entry.path();
    if (path.extension() != ".cpp" && path.extension() != ".h") continue;
    ++files;
    std::ifstream in(path);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      const auto code = line.substr(0, line.find("//"));
      EXPECT_EQ(code.find("detached"), std::string::npos)
          << path.string() << ":" << number << ": " << line
          << "\n  a loop the gateway needs: rethrow_to_pool; a connection's coroutine: "
             "server::SessionEnd";
    }
  }
  EXPECT_GT(files, 50) << "the gateway's sources were not found under " << root;
}

// Client input in a log line goes through quote_for_log (control bytes escaped, so a client can
// neither break the line nor forge another), never quote_input alone: every spdlog call of the
// gateway's sources, to its semicolon, is read.
TEST(LogLines, ClientInputIsQuotedForTheLogInEverySpdlogCall) {
  const std::filesystem::path root = ROLLCALL_SOURCE_DIR "/gateway";
  int calls = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    const auto& path = entry.path();
    if (path.extension() != ".cpp" && path.extension() != ".h") continue;
    std::ifstream in(path);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (auto at = text.find("spdlog::"); at != std::string::npos;
         at = text.find("spdlog::", at + 1)) {
      const auto end = text.find(';', at);
      const auto call = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
      ++calls;
      EXPECT_EQ(call.find("quote_input("), std::string::npos)
          << path.string() << ": " << call << "\n  log client input with quote_for_log";
    }
  }
  EXPECT_GT(calls, 30) << "no spdlog call found under " << root;
}

}  // namespace
}  // namespace rollcall::tests::gateway
