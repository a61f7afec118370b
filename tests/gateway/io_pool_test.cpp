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

// Stands for a context's own state (its scheduler, strands, timers): a service of the context,
// which says when it ends.
struct Witness : boost::asio::execution_context::service {
  static boost::asio::execution_context::id id;
  explicit Witness(boost::asio::io_context& context)
      : boost::asio::execution_context::service(context) {}
  ~Witness() override { *up = false; }
  void shutdown() override {}
  std::shared_ptr<bool> up = std::make_shared<bool>(true);
};
boost::asio::execution_context::id Witness::id;

// Handlers still pending when the pool ends may hold what belongs to another context, either
// way: a beacon on context 1 the batcher whose strand is context 0's, a Redis command queued on
// context 0 its caller's coroutine and work on context 1; and destroying one may post to another
// context (a coroutine's teardown). Every context must still be there when each of them goes.
TEST(IoPool, EveryContextOutlivesThePendingHandlersOfAll) {
  struct Seen {
    std::vector<bool> up;  // each context's state, as each holder saw it when destroyed
  } seen;
  {
    IoPool pool(3);
    std::vector<boost::asio::any_io_executor> executors;
    std::vector<std::shared_ptr<bool>> ups;
    for (std::size_t i = 0; i < pool.size(); ++i) {
      executors.push_back(pool.next());
      auto& context = executors.back().target<boost::asio::io_context::executor_type>()->context();
      ups.push_back(boost::asio::use_service<Witness>(context).up);
    }
    struct Holder {
      std::vector<std::shared_ptr<bool>> ups;
      Seen* seen;
      boost::asio::any_io_executor then;  // where a last handler is posted from the destructor
      ~Holder() {
        for (const auto& up : ups) seen->up.push_back(*up);
        if (then) {
          boost::asio::post(then, [last = std::make_shared<Holder>(ups, seen, nullptr)] {});
        }
      }
    };
    for (std::size_t i = 0; i < executors.size(); ++i) {  // the pool never runs: all pending
      boost::asio::post(executors[i], [holder = std::make_shared<Holder>(
                                           ups, &seen, executors[(i + 1) % executors.size()])] {});
    }
  }
  ASSERT_EQ(seen.up.size(), 2u * 3u * 3u);  // 3 holders and the 3 they posted, 3 contexts each
  for (std::size_t i = 0; i < seen.up.size(); ++i) EXPECT_TRUE(seen.up[i]) << i;
}

TEST(IoPool, ZeroThreadsIsOne) {
  IoPool pool(0);
  EXPECT_EQ(pool.size(), 1u);
  EXPECT_EQ(pool.next(), pool.next());
}

}  // namespace
}  // namespace rollcall::tests::gateway
