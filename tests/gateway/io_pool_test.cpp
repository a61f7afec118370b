// gateway/io_pool.cpp: connections are spread over the contexts in turn, each context runs on a
// thread of its own (the shared one on the caller's), and stop() ends run(); a handler that
// throws is reported and the others still run.
#include "gateway/io_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/post.hpp>

namespace rollcall::tests::gateway {
namespace {

using rollcall::gateway::IoPool;

TEST(IoPool, EachContextRunsOnAThreadOfItsOwnAndConnectionsGoInTurn) {
  constexpr int kContexts = 3;
  constexpr int kRounds = 50;
  IoPool pool(kContexts);
  ASSERT_EQ(pool.size(), static_cast<std::size_t>(kContexts));
  std::vector<boost::asio::any_io_executor> picked;
  for (int i = 0; i < 2 * kContexts; ++i) picked.push_back(pool.next());
  EXPECT_EQ(picked[0], boost::asio::any_io_executor(pool.shared().get_executor()));
  for (int i = 0; i < kContexts; ++i) {
    EXPECT_EQ(picked[i], picked[i + kContexts]) << i;
    EXPECT_NE(picked[i], picked[(i + 1) % kContexts]) << i;
  }

  std::mutex mutex;
  std::map<int, std::set<std::thread::id>> threads_of;
  std::atomic<int> done{0};
  for (int round = 0; round < kRounds; ++round) {
    for (int i = 0; i < kContexts; ++i) {
      boost::asio::post(picked[i], [&, i] {
        {
          std::lock_guard lock(mutex);
          threads_of[i].insert(std::this_thread::get_id());
        }
        if (++done == kRounds * kContexts) pool.stop();
      });
    }
  }
  std::thread runner([&pool] { pool.run(); });
  const auto runner_id = runner.get_id();
  runner.join();  // returns only once stop() has ended every context

  EXPECT_EQ(done, kRounds * kContexts);
  std::set<std::thread::id> all;
  for (int i = 0; i < kContexts; ++i) {
    ASSERT_EQ(threads_of[i].size(), 1u) << "context " << i << " ran on several threads";
    all.insert(*threads_of[i].begin());
  }
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kContexts));
  EXPECT_EQ(*threads_of[0].begin(), runner_id);
}

TEST(IoPool, AHandlerThatThrowsIsReportedAndTheOthersStillRun) {
  constexpr int kContexts = 2;
  constexpr int kHandlers = 20;  // per context, every third throws
  IoPool pool(kContexts);
  std::vector<boost::asio::any_io_executor> contexts;
  for (int i = 0; i < kContexts; ++i) contexts.push_back(pool.next());
  std::mutex mutex;
  std::multiset<std::string> reported;
  std::atomic<int> ran{0};
  std::atomic<int> settled{0};
  const auto settle = [&] {
    if (++settled == kContexts * kHandlers) pool.stop();
  };
  for (int i = 0; i < kContexts; ++i) {
    for (int n = 0; n < kHandlers; ++n) {
      boost::asio::post(contexts[i], [&, i, n] {
        settle();
        if (n % 3 == 0) {
          if (n == 9) throw 42;  // not a std::exception
          throw std::runtime_error("context " + std::to_string(i));
        }
        ++ran;
      });
    }
  }
  pool.run([&](const std::exception_ptr& failure) {
    std::lock_guard lock(mutex);
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      reported.insert(e.what());
    } catch (...) {
      reported.insert("other");
    }
  });
  EXPECT_EQ(ran, kContexts * (kHandlers - 7));
  EXPECT_EQ(reported.count("context 0"), 6u);
  EXPECT_EQ(reported.count("context 1"), 6u);
  EXPECT_EQ(reported.count("other"), 2u);
}

TEST(IoPool, WithoutAReceiverAThrowEndsRun) {
  IoPool pool(1);
  boost::asio::post(pool.shared(), [] { throw std::runtime_error("unhandled"); });
  EXPECT_THROW(pool.run(), std::runtime_error);
}

TEST(IoPool, ZeroThreadsIsOne) {
  IoPool pool(0);
  EXPECT_EQ(pool.size(), 1u);
  EXPECT_EQ(pool.next(), pool.next());
}

}  // namespace
}  // namespace rollcall::tests::gateway
