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

#include "redis/commands.h"
#include "redis/error.h"
#include "redis/reply.h"
#include "redis/sentinel_lookup.h"
#include "redis/url.h"

struct redisAsyncContext;

namespace rollcall::redis {

// One hiredis async connection driven by Asio. It owns connect, setup (AUTH, SELECT, then the
// caller's setup commands such as FUNCTION LOAD), health checks and reconnection with backoff.
// Commands from any thread are pipelined on the connection's strand; nothing ever blocks.
// While the connection is down, commands fail at once with error::unavailable.
// With a Sentinel URL it follows failovers: on every (re)connect it asks the sentinels in turn
// where the primary is and checks ROLE there; a lost link or a -READONLY reply (the primary was
// demoted) makes it reconnect, re-run setup and resubscribe. A command answered -READONLY fails
// with error::unavailable (it was not executed).
class Connection final : public Commands, public std::enable_shared_from_this<Connection> {
 public:
  struct Options {
    // A plain URL names the server; a redis+sentinel:// URL names the sentinels, which are asked
    // for the primary on every (re)connect (see url.h).
    Url url;
    std::vector<std::vector<std::string>> setup;      // run in order after each connect
    std::chrono::milliseconds connect_timeout{2000};  // per server, and per sentinel asked
    // Health: a PING (subscribers: a SUBSCRIBE) is sent every health_interval unless one is
    // already outstanding. The link is declared dead only when commands or that PING have been
    // outstanding with no reply at all for health_timeout: a busy Redis that keeps answering a
    // deep pipeline is alive, however long the PING waits behind it. Blocking commands
    // (BLPOP...) longer than health_timeout are therefore not for this connection.
    std::chrono::milliseconds health_interval{1000};
    std::chrono::milliseconds health_timeout{3000};
    std::chrono::milliseconds backoff_initial{50};
    std::chrono::milliseconds backoff_max{2000};
    // Replication acknowledgement: when wait_replicas > 0, every command is followed on the same
    // link by WAIT wait_replicas wait_timeout (one WAIT covers a burst of commands), and its
    // reply is delivered only once that many replicas have it; otherwise the handler gets
    // error::not_replicated (the command did run on the primary). Error replies are delivered as
    // they are. The health timeout is raised to at least wait_timeout + health_interval.
    int wait_replicas = 0;
    std::chrono::milliseconds wait_timeout{1000};
  };

  // For subscribers: every pub/sub message (channel, payload).
  using MessageHandler =
      std::function<void(const std::string& channel, const std::string& payload)>;

  static std::shared_ptr<Connection> create(boost::asio::any_io_executor executor, Options options);
  ~Connection() override;

  // Starts connecting (and reconnecting for ever, until stop()).
  void start();
  void stop();

  bool ready() const override;
  // Called (on the connection's strand) each time the connection becomes ready or is lost.
  void on_state_change(std::function<void(bool ready)> callback);

  void exec(std::vector<std::string> args, Handler handler) override;

  // Subscriber mode: a connection used for SUBSCRIBE only. Channels are re-subscribed after
  // every reconnect; on_state_change(true) tells the owner to resynchronize what it missed.
  void subscribe(const std::string& channel);
  void unsubscribe(const std::string& channel);
  void on_message(MessageHandler handler);

  // Why the last connect, setup or health check failed ("" if none yet); for logs and --check.
  std::string last_error() const override;

 private:
  using Strand = boost::asio::strand<boost::asio::any_io_executor>;
  enum class Phase {
    idle,
    discovering,  // asking a sentinel
    resolving,
    setup,
    failing,
    subscribing,
    ready,
    backoff,
    stopped
  };

  Connection(boost::asio::any_io_executor executor, Options options);

  boost::asio::any_io_executor default_executor() const override { return strand_; }

  // Everything below runs on strand_.
  void do_start();
  void do_stop();
  void do_exec(std::vector<std::string> args, Handler handler);
  void do_subscribe(const std::string& channel);
  void do_unsubscribe(const std::string& channel);
  void enter_subscriber_mode();
  void connect();
  void connect_to(const std::string& host, unsigned short port);
  void open(const std::string& address, unsigned short port);
  void ask_sentinels();
  void cancel_lookup();
  void flush_wait();
  void fail_wait_batch();
  void track_sent();
  void note_reply();
  std::chrono::milliseconds effective_health_timeout() const;
  // Runs fn on the strand later if the link is still the one of `generation` (never from
  // inside hiredis, which must not be re-entered with a free).
  void post_if_current(std::uint64_t generation, std::function<void(Connection&)> fn);
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
  static void on_wait_reply(redisAsyncContext* context, void* reply, void* privdata);

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
  std::string target_;  // host:port of the server being connected, for messages
  // Health accounting on the live link: replies awaited (user commands, WAITs, health checks)
  // and when the last reply came (or waiting began).
  std::size_t outstanding_ = 0;
  std::chrono::steady_clock::time_point progress_at_;
  // Sentinel mode: the lookup under way, and the sentinel to ask first (it answered last).
  std::shared_ptr<SentinelLookup> lookup_;
  std::size_t sentinel_good_ = 0;
  // Commands sent since the last WAIT (wait_replicas > 0); a posted flush_wait() closes it.
  struct WaitBatch;
  std::shared_ptr<WaitBatch> wait_batch_;
  bool subscriber_ = false;
  std::set<std::string> channels_;
  std::function<void(bool)> state_callback_;
  MessageHandler message_handler_;

  std::atomic<bool> ready_{false};  // read from any thread
  mutable std::mutex error_mutex_;
  std::string last_error_;
};

}  // namespace rollcall::redis
