#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/system/error_code.hpp>

#include "gateway/redis/error.h"
#include "gateway/redis/reply.h"
#include "gateway/redis/url.h"

struct redisAsyncContext;

namespace rollcall::gateway::redis {

// One hiredis async connection driven by Asio. It owns connect, setup (AUTH, SELECT, then the
// caller's setup commands such as FUNCTION LOAD), health checks and reconnection with backoff.
// Commands from any thread are pipelined on the connection's strand; nothing ever blocks.
// While the connection is down, commands fail at once with error::unavailable.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  struct Options {
    Url url;
    std::vector<std::vector<std::string>> setup;  // run in order after each connect
    std::chrono::milliseconds connect_timeout{2000};
    std::chrono::milliseconds health_interval{1000};  // PING period; no answer in time: reconnect
    std::chrono::milliseconds backoff_initial{50};
    std::chrono::milliseconds backoff_max{2000};
  };

  using Handler = std::function<void(boost::system::error_code, Reply)>;
  // For subscribers: every pub/sub message (channel, payload).
  using MessageHandler =
      std::function<void(const std::string& channel, const std::string& payload)>;

  static std::shared_ptr<Connection> create(boost::asio::any_io_executor executor, Options options);
  ~Connection();

  // Starts connecting (and reconnecting for ever, until stop()).
  void start();
  void stop();

  // Connected and setup done.
  bool ready() const;
  // Called (on the connection's strand) each time the connection becomes ready or is lost.
  void on_state_change(std::function<void(bool ready)> callback);

  // Sends one command. The handler runs on its associated executor (or the connection's).
  template <class CompletionToken>
  auto async_exec(std::vector<std::string> args, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(boost::system::error_code, Reply)>(
        [this](auto handler, std::vector<std::string> args) {
          exec(std::move(args), wrap(std::move(handler)));
        },
        token, std::move(args));
  }
  void exec(std::vector<std::string> args, Handler handler);

  // Subscriber mode: a connection used for SUBSCRIBE only. Channels are re-subscribed after
  // every reconnect; on_state_change(true) tells the owner to resynchronize what it missed.
  void subscribe(const std::string& channel);
  void unsubscribe(const std::string& channel);
  void on_message(MessageHandler handler);

  // Why the last connect, setup or health check failed ("" if none yet); for logs and --check.
  std::string last_error() const;

 private:
  using Strand = boost::asio::strand<boost::asio::any_io_executor>;
  enum class Phase { idle, resolving, setup, failing, subscribing, ready, backoff, stopped };

  Connection(boost::asio::any_io_executor executor, Options options);

  // Makes an Asio completion handler (possibly move-only, e.g. a coroutine's) into a Handler
  // that runs it on the handler's associated executor, keeping that executor's work alive.
  template <class CompletionHandler>
  Handler wrap(CompletionHandler handler) {
    auto executor = boost::asio::prefer(boost::asio::get_associated_executor(handler, strand_),
                                        boost::asio::execution::outstanding_work.tracked);
    auto shared = std::make_shared<CompletionHandler>(std::move(handler));
    return [shared, executor](boost::system::error_code ec, Reply reply) {
      boost::asio::dispatch(executor, [shared, ec, reply = std::move(reply)]() mutable {
        CompletionHandler handler = std::move(*shared);
        handler(ec, std::move(reply));
      });
    };
  }

  // Everything below runs on strand_.
  void do_start();
  void do_stop();
  void do_exec(std::vector<std::string> args, Handler handler);
  void do_subscribe(const std::string& channel);
  void do_unsubscribe(const std::string& channel);
  void enter_subscriber_mode();
  void connect();
  void open(const std::string& address);
  void send_subscribe(std::vector<std::string> channels);
  void become_ready();
  void fail(const std::string& reason);
  void teardown();
  void schedule_retry();
  void arm_health();
  void on_health_tick();
  void notify(bool ready);
  void set_last_error(const std::string& reason);

  // hiredis callbacks; they find the connection through redisAsyncContext::data.
  static void on_connect(const redisAsyncContext* context, int status);
  static void on_disconnect(const redisAsyncContext* context, int status);
  static void on_internal_reply(redisAsyncContext* context, void* reply, void* privdata);
  static void on_user_reply(redisAsyncContext* context, void* reply, void* privdata);
  static void on_channel_reply(redisAsyncContext* context, void* reply, void* privdata);

  Strand strand_;
  Options options_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::steady_timer connect_timer_;
  boost::asio::steady_timer retry_timer_;
  boost::asio::steady_timer health_timer_;

  redisAsyncContext* context_ = nullptr;  // the live link, or null
  Phase phase_ = Phase::idle;
  std::uint64_t generation_ = 0;  // bumped on every connect; stale callbacks compare it
  std::chrono::milliseconds backoff_;
  bool health_outstanding_ = false;
  bool subscriber_ = false;
  std::set<std::string> channels_;
  std::function<void(bool)> state_callback_;
  MessageHandler message_handler_;

  std::atomic<bool> ready_{false};  // read from any thread
  mutable std::mutex error_mutex_;
  std::string last_error_;
};

}  // namespace rollcall::gateway::redis
