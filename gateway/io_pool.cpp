#include "gateway/io_pool.h"

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>

namespace rollcall::gateway {

IoPool::IoPool(unsigned threads) {
  for (unsigned i = 0; i < std::max(1u, threads); ++i) {
    // A hint of 1: each context is run by exactly one thread.
    contexts_.push_back(std::make_unique<PoolContext>(1));
    guards_.push_back(boost::asio::make_work_guard(*contexts_.back()));
  }
}

IoPool::~IoPool() {
  guards_.clear();
  // A handler destroyed on one context may post to another already shut down (a coroutine's
  // teardown goes to its own executor): a few passes until none is left to destroy.
  for (int pass = 0; pass < 3; ++pass) {
    for (const auto& context : contexts_) context->shut_down();
  }
}

boost::asio::any_io_executor IoPool::next() {
  const auto i = next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size();
  return contexts_[i]->get_executor();
}

void IoPool::run() {
  std::mutex mutex;
  std::exception_ptr failure;  // the first handler that threw, on any thread
  const auto run_one = [&](boost::asio::io_context& context) {
    try {
      context.run();
    } catch (...) {
      {
        std::lock_guard lock(mutex);
        if (!failure) failure = std::current_exception();
      }
      stop();
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < contexts_.size(); ++i) {
    threads.emplace_back([&run_one, context = contexts_[i].get()] { run_one(*context); });
  }
  run_one(*contexts_.front());
  for (auto& thread : threads) thread.join();
  if (failure) std::rethrow_exception(failure);
}

void IoPool::stop() {
  for (auto& context : contexts_) context->stop();
}

}  // namespace rollcall::gateway
