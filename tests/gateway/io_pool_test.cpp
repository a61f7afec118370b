// gateway/io_pool.cpp: connections are spread over the contexts in turn, each context runs on a
// thread of its own (the shared one on the caller's), and stop() ends run(); a handler that
// throws, on any thread, stops them all and reaches run()'s caller.
#include "gateway/io_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

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

TEST(IoPool, AThrowOnAnyThreadStopsEveryContextAndReachesTheCaller) {
  for (int thrower = 0; thrower < 3; ++thrower) {
    IoPool pool(3);
    std::vector<boost::asio::any_io_executor> contexts;
    for (int i = 0; i < 3; ++i) contexts.push_back(pool.next());
    // The other contexts have work that never ends by itself: only the throw stops them.
    std::vector<std::unique_ptr<boost::asio::steady_timer>> forever;
    for (int i = 0; i < 3; ++i) {
      forever.push_back(std::make_unique<boost::asio::steady_timer>(contexts[i]));
      forever.back()->expires_after(std::chrono::hours(1));
      forever.back()->async_wait([](boost::system::error_code) {});
    }
    boost::asio::post(contexts[thrower], [thrower] {
      throw std::runtime_error("thrown on context " + std::to_string(thrower));
    });
    try {
      pool.run();
      ADD_FAILURE() << "run() returned without the throw";
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()), "thrown on context " + std::to_string(thrower));
    }
    for (int i = 0; i < 3; ++i) {
      auto& context = boost::asio::query(contexts[i], boost::asio::execution::context);
      EXPECT_TRUE(static_cast<boost::asio::io_context&>(context).stopped()) << i;
    }
  }
}

TEST(IoPool, OnlyTheFirstOfSeveralThrowsIsRethrown) {
  IoPool pool(2);
  const auto a = pool.next();
  const auto b = pool.next();
  std::atomic<int> thrown{0};
  for (const auto& executor : {a, b}) {
    boost::asio::post(executor, [&thrown] {
      ++thrown;
      throw 42;  // not a std::exception
    });
  }
  EXPECT_THROW(pool.run(), int);
  EXPECT_GE(thrown, 1);
}

// Stands for what context 0 holds for every thread (the strands of the Redis links, the hub, the
// beacons' batcher): a service of context 0, which says when it ends.
struct SharedWitness : boost::asio::execution_context::service {
  static boost::asio::execution_context::id id;
  explicit SharedWitness(boost::asio::io_context& context)
      : boost::asio::execution_context::service(context) {}
  ~SharedWitness() override { *up = false; }
  void shutdown() override {}
  std::shared_ptr<bool> up = std::make_shared<bool>(true);
};
boost::asio::execution_context::id SharedWitness::id;

// A connection's handlers still pending on another context when the pool ends are destroyed
// with that context, and may hold the last reference to something of context 0's (a beacon holds
// the batcher, whose strand is context 0's): context 0 must still be there then.
TEST(IoPool, ContextZeroOutlivesWhatTheOtherContextsHandlersHold) {
  std::vector<bool> seen;  // by each handler's holder as it was destroyed: context 0's state
  {
    IoPool pool(3);
    const auto up = boost::asio::use_service<SharedWitness>(pool.shared()).up;
    struct Holder {
      std::shared_ptr<bool> up;
      std::vector<bool>* seen;
      ~Holder() {
        if (up) seen->push_back(*up);
      }
    };
    for (int i = 0; i < 3; ++i) {
      auto executor = pool.next();  // 0, 1, 2: the pool never runs, so they stay pending
      boost::asio::post(executor, [holder = std::make_shared<Holder>(up, &seen)] {});
    }
  }
  ASSERT_EQ(seen.size(), 3u);
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_TRUE(seen[i]) << i;
}

TEST(IoPool, ZeroThreadsIsOne) {
  IoPool pool(0);
  EXPECT_EQ(pool.size(), 1u);
  EXPECT_EQ(pool.next(), pool.next());
}

}  // namespace
}  // namespace rollcall::tests::gateway
