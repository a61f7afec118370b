#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/system/error_code.hpp>

#include "redis/commands.h"

namespace rollcall::tests::support {

// A redis::Commands whose answers a test writes: for the failures a real server cannot be made
// to give on demand (error replies, wrong shapes, a lost link, WAIT timeouts). Answers complete
// on the executor, never inline, as a real link's do. Normal behaviour is tested against the
// real redis::Connection and a private redis-server instead.
class ScriptedCommands final : public redis::Commands {
 public:
  struct Answer {
    boost::system::error_code ec;
    redis::Reply reply;
  };
  using Script = std::function<Answer(const std::vector<std::string>& args)>;

  ScriptedCommands(boost::asio::any_io_executor executor, Script script);

  void exec(redis::Command command, Handler handler) override;
  bool ready() const override;
  std::string last_error() const override;

  void set_ready(bool ready);
  void set_last_error(std::string error);
  void set_script(Script script);

  // Every command received, in order.
  std::vector<std::vector<std::string>> received() const;
  // How many received commands name `name`: FCALL's function name or the command itself, so
  // tests do not depend on how the arguments are built.
  std::size_t count_named(std::string_view name) const;

 protected:
  boost::asio::any_io_executor default_executor() const override { return executor_; }

 private:
  boost::asio::any_io_executor executor_;
  mutable std::mutex mutex_;
  Script script_;
  bool ready_ = true;
  std::string last_error_;
  std::vector<std::vector<std::string>> received_;
};

// The name a command is known by: FCALL's function, else the command.
std::string command_name(const std::vector<std::string>& args);

// Shorthands for scripted replies.
redis::Reply text_reply(std::string text);
redis::Reply error_reply(std::string text);
redis::Reply integer_reply(long long value);
redis::Reply array_reply(const std::vector<std::string>& texts);

// An io_context run by one thread of its own, as long as the object lives; run() waits for a
// coroutine spawned on it (bounded: a test that hangs fails instead).
class TestIo {
 public:
  TestIo() : work_(io_.get_executor()), thread_([this] { io_.run(); }) {}
  ~TestIo() {
    work_.reset();
    io_.stop();
    thread_.join();
  }
  boost::asio::any_io_executor executor() { return io_.get_executor(); }

  template <class T>
  T run(boost::asio::awaitable<T> awaitable) {
    auto promise = std::make_shared<std::promise<T>>();
    auto future = promise->get_future();
    boost::asio::co_spawn(io_, std::move(awaitable), [promise](std::exception_ptr error, T value) {
      if (error) {
        promise->set_exception(error);
      } else {
        promise->set_value(std::move(value));
      }
    });
    if (future.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
      throw std::runtime_error("the coroutine did not finish within 20 s");
    }
    return future.get();
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

}  // namespace rollcall::tests::support
