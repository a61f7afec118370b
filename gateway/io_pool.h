#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace rollcall::gateway {

// One io_context per I/O thread. A connection lives on one of them for its whole life, so its
// handlers run in order without a strand, and the totals hub hands each thread its displays in
// one post per tick (TotalsHub's lanes). Context 0 also holds what is shared (the Redis links,
// the hub, the acceptor) and runs on the thread that calls run().
class IoPool {
 public:
  explicit IoPool(unsigned threads);
  // Every context's pending handlers are destroyed before any context is: a handler on one may
  // hold what belongs to another, either way (a beacon on context 1 the batcher whose strand is
  // context 0's; a Redis command queued on context 0 its caller's coroutine and work on
  // context 1).
  ~IoPool();

  boost::asio::io_context& shared() { return *contexts_.front(); }
  std::size_t size() const { return contexts_.size(); }
  // Where the next connection lives: the contexts in turn.
  boost::asio::any_io_executor next();

  // Runs every context, one thread each, until stop(); returns when all have returned. A handler
  // that throws stops every context, and run() rethrows it once all threads have returned:
  // a handler that threw may have left shared state half-changed (a Redis link's queue, a
  // display's place in the hub), so nothing more runs in this process.
  void run();
  void stop();

 private:
  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;

  // An io_context whose services can be shut down (its pending handlers destroyed) before it is.
  class PoolContext : public boost::asio::io_context {
   public:
    using boost::asio::io_context::io_context;
    void shut_down() { shutdown(); }
  };

  std::vector<std::unique_ptr<PoolContext>> contexts_;
  std::vector<Guard> guards_;  // a context without connections still waits for one
  std::atomic<std::size_t> next_{0};
};

}  // namespace rollcall::gateway
