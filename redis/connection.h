#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
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

#include "redis/action_queue.h"
#include "redis/commands.h"
#include "redis/error.h"
#include "redis/hiredis_link.h"
#include "redis/link.h"
#include "redis/link_state.h"
#include "redis/reply.h"
#include "redis/sentinel_lookup.h"
#include "redis/url.h"

namespace rollcall::redis {

// One hiredis async connection driven by Asio. It owns connect, setup (AUTH, SELECT, then the
// caller's setup commands such as FUNCTION LOAD), health checks and reconnection with backoff.
// Commands from any thread are pipelined on the connection's strand; nothing ever blocks.
// While the connection is down, commands fail at once with error::unavailable.
// With a Sentinel URL it follows failovers: on every (re)connect it asks the sentinels in turn
// where the primary is and checks ROLE there; a lost link or a -READONLY reply (the primary was
// demoted) makes it reconnect, re-run setup and resubscribe. A command answered -READONLY fails
// with error::unavailable (it was not executed).
class Connection final : public Link, public std::enable_shared_from_this<Connection> {
 public:
  using Options = LinkOptions;  // see link_state.h

  // For subscribers: every pub/sub message (channel, payload).
  using MessageHandler =
      std::function<void(const std::string& channel, const std::string& payload)>;

  static std::shared_ptr<Connection> create(boost::asio::any_io_executor executor, Options options);
  ~Connection() override;

  // Starts connecting (and reconnecting for ever, until stop()).
  void start() override;
  void stop() override;

  bool ready() const override;
  // Called (on the connection's strand) each time the connection becomes ready or is lost;
  // `cause` says why it was lost (as last_error() does), "" when it became ready.
  void on_state_change(std::function<void(bool ready, const std::string& cause)> callback) override;
  void on_state_change(std::function<void(bool ready)> callback);
  void on_replicas(std::function<void(bool enough, const std::string& detail)> callback) override;

  void exec(Command command, Handler handler) override;

  // Subscriber mode: a connection used for SUBSCRIBE only. Channels are re-subscribed after
  // every reconnect; on_state_change(true) tells the owner to resynchronize what it missed.
  void subscribe(const std::string& channel);
  void unsubscribe(const std::string& channel);
  void on_message(MessageHandler handler);

  // Why the last connect, setup or health check failed ("" if none yet); for logs and --check.
  std::string last_error() const override;

 private:
  Connection(boost::asio::any_io_executor executor, Options options);

  boost::asio::any_io_executor default_executor() const override { return strand_; }

  // Everything below runs on strand_. The link's logic is state_ (link_state.h); this class
  // only carries out its actions with Asio and hiredis, and feeds it what they report.
  void apply(LinkState::Actions actions);
  void execute(LinkState::Action& action);
  void arm(LinkState::ArmTimer arm);
  void set_last_error(const std::string& reason);

  Strand strand_;
  LinkState state_;
  HiredisLink hiredis_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::steady_timer timers_[3];  // by LinkState::Timer
  std::shared_ptr<SentinelLookup> lookup_;
  ActionQueue queue_;

  std::uint64_t commands_ = 0;  // ids given to exec()'s commands
  std::unordered_map<std::uint64_t, Handler> handlers_;
  std::function<void(bool, const std::string&)> state_callback_;
  std::function<void(bool, const std::string&)> replicas_callback_;
  MessageHandler message_handler_;

  std::atomic<bool> ready_{false};  // read from any thread
  mutable std::mutex error_mutex_;
  std::string last_error_;
};

}  // namespace rollcall::redis
