#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/error.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "redis/connection.h"
#include "tests/support/redis_server.h"

namespace rollcall::tests::redis {

using namespace std::chrono_literals;
namespace rr = rollcall::redis;

// Every wait in these tests is bounded by this; nothing asserts on speed.
inline constexpr auto wait_limit = 10s;

// An io_context run by several threads, as in the gateway.
class IoThreads {
 public:
  explicit IoThreads(int count = 4) : work_(io_.get_executor()) {
    for (int i = 0; i < count; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~IoThreads() {
    work_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
  }
  boost::asio::io_context& io() { return io_; }
  boost::asio::any_io_executor executor() { return io_.get_executor(); }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
};

// A thread-safe queue of things that happened (state changes, messages).
template <class T>
class Events {
 public:
  void push(T value) {
    {
      std::lock_guard lock(mutex_);
      items_.push_back(std::move(value));
    }
    cv_.notify_all();
  }
  std::optional<T> pop(std::chrono::milliseconds limit = wait_limit) {
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, limit, [&] { return !items_.empty(); })) return std::nullopt;
    T value = std::move(items_.front());
    items_.pop_front();
    return value;
  }
  // Pops until `want` comes (dropping others); false if it does not within the limit.
  bool wait_for(const T& want, std::chrono::milliseconds limit = wait_limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (true) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) return false;
      auto got = pop(left);
      if (!got) return false;
      if (*got == want) return true;
    }
  }
  size_t size() const {
    std::lock_guard lock(mutex_);
    return items_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<T> items_;
};

inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds limit = wait_limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

struct Result {
  boost::system::error_code ec;
  rr::Reply reply;
};

// Runs one command through the callback API and waits (bounded) for its answer.
inline Result run(rr::Commands& conn, std::vector<std::string> args) {
  auto promise = std::make_shared<std::promise<Result>>();
  auto future = promise->get_future();
  conn.exec(std::move(args), [promise](boost::system::error_code ec, rr::Reply reply) {
    promise->set_value(Result{ec, std::move(reply)});
  });
  if (future.wait_for(wait_limit) != std::future_status::ready) {
    return Result{boost::asio::error::timed_out, {}};  // the test's wait, not the link's
  }
  return future.get();
}

inline rr::Connection::Options options_for(const std::string& url_text) {
  rr::Connection::Options options;
  std::string error;
  auto url = rr::Url::parse(url_text, &error);
  if (url) options.url = *url;
  options.backoff_initial = 20ms;
  options.backoff_max = 200ms;
  options.health_interval = 200ms;
  options.health_timeout = 500ms;
  return options;
}

// A private redis-server (started with `server_args`) and connections to it on IoThreads, each
// connection's ready/lost changes recorded in states_ in the order they happened.
class ConnectionTest : public ::testing::Test {
 protected:
  explicit ConnectionTest(std::vector<std::string> server_args = {})
      : server_(std::move(server_args)) {}

  std::shared_ptr<rr::Connection> connect(rr::Connection::Options options) {
    auto conn = rr::Connection::create(io_.executor(), std::move(options));
    conn->on_state_change([states = states_](bool ready) { states->push(ready); });
    conn->start();
    return conn;
  }
  std::shared_ptr<rr::Connection> connect() { return connect(options_for(server_.url())); }

  support::RedisServer server_;
  IoThreads io_;
  std::shared_ptr<Events<bool>> states_ = std::make_shared<Events<bool>>();
};

}  // namespace rollcall::tests::redis
