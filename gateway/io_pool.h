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
  // Context 0 last: the others' connections, destroyed with their pending handlers, may hold
  // the last reference to what lives on context 0 (a strand of its, the beacons' batcher).
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

  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<Guard> guards_;  // a context without connections still waits for one
  std::atomic<std::size_t> next_{0};
};

}  // namespace rollcall::gateway
