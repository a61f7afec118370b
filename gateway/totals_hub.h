#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "gateway/metrics.h"
#include "redis/connection.h"
#include "rollcall/v1/rollcall.pb.h"
#include "services/totals/totals_folder.h"
#include "services/wire/codec.h"

namespace rollcall::gateway {

// A message serialized once and shared by every display that receives it, in each encoding as
// a whole WebSocket frame (header included: binary frames for binary, text frames for JSON), so
// a display writes the bytes as they are.
struct SharedFrames {
  std::uint64_t prev_seq = 0;  // updates only: the state they apply to
  std::uint64_t seq = 0;
  std::shared_ptr<const std::string> binary;
  std::shared_ptr<const std::string> json;

  const std::shared_ptr<const std::string>& in(services::wire::Encoding encoding) const {
    return encoding == services::wire::Encoding::binary ? binary : json;
  }
};

// `payload` as one unmasked, final WebSocket frame of the encoding's kind (text for JSON).
std::shared_ptr<const std::string> prepared_frame(std::string_view payload,
                                                  services::wire::Encoding encoding);

// A display connection as the hub sees it. The hub calls it only on its executor (one thread's
// io_context in the gateway), never concurrently, and never with the hub's lock held. A sink
// must not attach or detach from inside these calls.
class DisplaySink {
 public:
  virtual ~DisplaySink() = default;
  // Where the sink's connection runs; fixed for its life.
  virtual boost::asio::any_io_executor executor() const = 0;
  virtual void on_update(const std::shared_ptr<const SharedFrames>& update) = 0;
  // The hub's state was rebuilt (start, gap, Redis reconnect): send a fresh snapshot.
  virtual void on_resync() = 0;
  // About once a second, for the checks a timer per connection would make (a write stuck, a
  // silent peer): must be cheap.
  virtual void on_sweep(std::chrono::steady_clock::time_point now) {}
};

// Follows the change channel of every event that has displays, folds the notices into one
// live snapshot per event, and once per tick hands each display the same serialized update.
// Displays are grouped by executor into lanes: a tick costs one post per lane (per I/O thread
// in the gateway), which then walks its own displays, not one post per display.
class TotalsHub : public std::enable_shared_from_this<TotalsHub> {
 public:
  TotalsHub(boost::asio::any_io_executor executor, std::shared_ptr<redis::Commands> commands,
            std::shared_ptr<redis::Connection> subscriber, std::chrono::milliseconds tick,
            std::shared_ptr<Metrics> metrics);

  void start();
  void stop();

  void attach(const std::string& event_id, const std::shared_ptr<DisplaySink>& sink);
  void detach(const std::string& event_id, const DisplaySink& sink);

  // The current snapshot of a followed event, serialized once per seq; nullopt while the hub
  // is (re)loading it, in which case on_resync() follows.
  std::optional<SharedFrames> snapshot(const std::string& event_id);

  // Totals for the HTTP API: from memory when followed, else read from Redis.
  // nullopt when Redis is unavailable.
  boost::asio::awaitable<std::optional<v1::Totals>> totals(const std::string& event_id);

  // Reads every followed event again, its displays resynchronized: when the commands link is
  // back after a loss, a failover may have taken back writes whose notices the hub applied.
  void reload_all();

 private:
  struct Lane;
  struct Feed {
    explicit Feed(const std::string& event_id) : folder(event_id) {}
    services::totals::TotalsFolder folder;
    std::size_t displays = 0;              // attached, over every lane
    std::optional<SharedFrames> snapshot;  // cached serialization of the current state
    std::vector<services::totals::ChangeNotice> buffered;  // arrived while loading
    bool loading = false;
  };
  using Updates = std::vector<std::pair<std::string, std::shared_ptr<const SharedFrames>>>;

  std::shared_ptr<Lane> lane_of(const boost::asio::any_io_executor& executor);
  // Posts `visit` to every lane, for its displays of `event_id` (of every event if nullopt).
  void on_lanes(std::optional<std::string> event_id, std::function<void(DisplaySink&)> visit);
  void on_message(const std::string& channel, const std::string& payload);
  void on_subscriber_state(bool ready);
  void reload(const std::string& event_id);
  boost::asio::awaitable<void> run_ticks();
  void tick();
  void sweep();

  boost::asio::any_io_executor executor_;
  std::shared_ptr<redis::Commands> commands_;
  std::shared_ptr<redis::Connection> subscriber_;
  // The notice being read: only the subscriber's strand touches it, a message at a time, and its
  // storage serves every notice (one per scan).
  services::totals::ChangeNotice notice_;
  std::chrono::milliseconds tick_;
  std::shared_ptr<Metrics> metrics_;
  boost::asio::steady_timer timer_;
  std::mutex mutex_;
  std::map<std::string, Feed, std::less<>> feeds_;
  std::vector<std::shared_ptr<Lane>> lanes_;  // few: one per executor that has had displays
  bool stopped_ = false;
};

// Reads every counter of an event in one step: {seq, counters}, or nullopt if unavailable (then
// counted and logged with its cause in `metrics`).
boost::asio::awaitable<std::optional<std::pair<std::uint64_t, services::totals::Counters>>>
read_counters(redis::Commands& redis, Metrics& metrics, const std::string& event_id);

std::int64_t unix_ms_now();

}  // namespace rollcall::gateway
