#include "gateway/io_pool.h"

#include <algorithm>
#include <thread>

namespace rollcall::gateway {

IoPool::IoPool(unsigned threads) {
  for (unsigned i = 0; i < std::max(1u, threads); ++i) {
    // A hint of 1: each context is run by exactly one thread.
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
    guards_.push_back(boost::asio::make_work_guard(*contexts_.back()));
  }
}

boost::asio::any_io_executor IoPool::next() {
  const auto i = next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size();
  return contexts_[i]->get_executor();
}

namespace {

// io_context::run() may be called again after a handler threw: the handlers still queued and
// the operations in flight are kept.
void run_on(boost::asio::io_context& context, const IoPool::Failed& failed) {
  for (;;) {
    try {
      context.run();
      return;
    } catch (...) {
      if (!failed) throw;
      failed(std::current_exception());
    }
  }
}

}  // namespace

void IoPool::run(const Failed& failed) {
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < contexts_.size(); ++i) {
    threads.emplace_back([context = contexts_[i].get(), &failed] { run_on(*context, failed); });
  }
  run_on(*contexts_.front(), failed);
  for (auto& thread : threads) thread.join();
}

void IoPool::stop() {
  for (auto& context : contexts_) context->stop();
}

}  // namespace rollcall::gateway
