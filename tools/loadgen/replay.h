#pragma once

#include <map>

#include <chrono>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/object.hpp>

#include "rollcall/v1/rollcall.pb.h"
#include "tools/loadgen/latency_histogram.h"
#include "tools/loadgen/timeline_file.h"

namespace rollcall::tools::loadgen {

struct ReplayOptions {
  std::string host = "127.0.0.1";
  std::string port = "8080";
  // Where the displays connect; empty: the gateway above. Another gateway of the same Redis
  // measures a scan on one gateway reaching a display on another.
  std::string display_host;
  std::string display_port;
  std::string event;  // empty: the timeline's event
  double speed = 0;   // 1 = real time, N = N times faster, 0 = as fast as possible
  int desks = 0;      // desk connections; 0 = one per desk id in the timeline
  int displays = 1;
  int beacons = 0;
  bool json = false;  // the rollcall.v1.json subprotocol instead of binary frames
  int window = 1;     // scans in flight per desk connection (pipelined, in order)
  int batch = 500;    // presence events per bridge batch
  std::chrono::seconds stall_timeout{60};  // no reply at all for this long: give up
  std::chrono::milliseconds settle{1500};  // after the last reply, for displays to catch up
  // Access tokens by role ("desk", "platform", "display"), sent as Authorization: Bearer.
  std::map<std::string, std::string> tokens;
};

// Replays a timeline against one gateway over real WebSocket connections, on one io_context:
// desks (one connection per desk id, scans pipelined, results matched in order; `unavailable`
// sent again with the same scan_id), platform bridges (batches, one in flight, rate-limited
// batches sent again), displays and presence beacons.
//
// A badge's next scan waits until its previous one is answered: scans of one person travel over
// different desks, and the counting rules (reentry, already_inside, exit) depend on their order.
class Replay {
 public:
  Replay(boost::asio::io_context& io, const Timeline& timeline, ReplayOptions options);
  ~Replay();

  // Connects everything, replays, waits for the displays to settle, closes. Never throws: a
  // failure ends the run and is reported by failure().
  boost::asio::awaitable<void> run();

  // Ends the run as failed ("interrupted by signal N"); the report still says what was measured.
  void interrupt(int signal);
  // Ends the run as failed with `why` (the first cause is kept) and closes every connection.
  void fail(std::string why);
  // What a caught exception says, for fail().
  static std::string describe(std::exception_ptr thrown);
  const std::string& failure() const { return failure_; }
  bool complete() const;
  boost::json::object report() const;

 private:
  using WebSocket = boost::beast::websocket::stream<boost::beast::tcp_stream>;
  using Clock = std::chrono::steady_clock;

  // Wakes the one coroutine that waits on it (one waiter per notifier: a shared timer would
  // make waiters cancel each other's waits).
  class Notifier {
   public:
    explicit Notifier(boost::asio::any_io_executor executor);
    boost::asio::awaitable<void> wait();
    void notify();

   private:
    boost::asio::steady_timer timer_;
  };

  struct Pending {
    std::uint32_t scan = 0;
    Clock::time_point sent;
  };
  // When the measured display first showed a desk's count of scans at `count` or more.
  struct Shown {
    std::int64_t count = 0;
    Clock::time_point at;
    Clock::time_point previous_message;  // the display message before that one
  };
  // A scan answered but not yet on the display: the desk's count that includes it.
  struct Unshown {
    std::int64_t count = 0;
    Clock::time_point sent;
  };
  struct Desk {
    std::string name;
    std::unique_ptr<WebSocket> ws;
    std::deque<Pending> queue;
    std::deque<Pending> inflight;
    std::unique_ptr<Notifier> ready;
    // A desk with its own token counts its scans under its name in Totals.desks: its n-th
    // answered scan is on the display once the display counts base + n scans for it (a desk's
    // results come back in the order Redis ran its scans).
    bool followed = false;
    std::int64_t base = 0;      // its count on the display when it connected
    std::int64_t answered = 0;  // final results since
    std::int64_t shown_count = 0;
    std::deque<Shown> shown;
    std::deque<Unshown> unshown;
  };
  struct Address {
    std::string host;
    std::string port;
    boost::asio::ip::tcp::resolver::results_type endpoints;
  };
  struct Bridge {
    std::string name;
    std::unique_ptr<WebSocket> ws;
    std::deque<std::uint32_t> queue;
    std::unique_ptr<Notifier> ready;
  };
  struct Display {
    std::unique_ptr<WebSocket> ws;
    rollcall::v1::Totals state;
    bool awaiting_snapshot = false;
  };

  // `role` picks the token sent with the upgrade.
  boost::asio::awaitable<std::unique_ptr<WebSocket>> open(const Address& to,
                                                          const std::string& target, bool json,
                                                          const std::string& role);
  static boost::asio::awaitable<Address> resolve(std::string host, std::string port);
  boost::asio::awaitable<void> connect_all();
  boost::asio::awaitable<void> dispatch();
  boost::asio::awaitable<void> desk_writer(Desk& desk);
  boost::asio::awaitable<void> desk_reader(Desk& desk);
  boost::asio::awaitable<void> retry_later(Desk& desk, Pending pending);
  void send_scan(std::size_t item);  // to its desk connection's queue
  boost::asio::awaitable<void> bridge_sender(Bridge& bridge);
  boost::asio::awaitable<void> display_reader(Display& display, bool measure);
  // Takes one display message; true when the display missed an update and needs a snapshot.
  bool take_display_message(Display& display, const std::string& data, bool measure);
  // The measured display's state changed at `now`: followed desks' scans it now shows.
  void note_desks_shown(const rollcall::v1::Totals& state, Clock::time_point now);
  // A followed desk's scan got its final result.
  void note_desk_answer(Desk& desk, Clock::time_point sent);
  boost::asio::awaitable<void> beacon_reader(WebSocket& ws);
  boost::asio::awaitable<void> watchdog();
  // The completion of every client task: one that throws fails the replay with its cause,
  // rather than ending silently and leaving a run that measures less than it reports.
  auto fail_on_throw() {
    return [this](std::exception_ptr thrown) {
      if (thrown) fail("a client task threw: " + describe(thrown));
    };
  }
  static std::string lost(const WebSocket& ws, const boost::system::error_code& ec);
  void close_all();
  bool drained() const;

  boost::asio::io_context& io_;
  const Timeline& timeline_;
  ReplayOptions options_;
  Address gateway_;
  Address display_gateway_;
  std::string failure_;
  bool stopping_ = false;
  bool dispatched_ = false;

  std::vector<Desk> desks_;
  std::vector<std::uint32_t> desk_of_link_;  // timeline desk index -> connection (0: by id)
  std::vector<Bridge> bridges_;
  std::vector<Display> displays_;
  std::vector<std::unique_ptr<WebSocket>> beacons_;
  std::unique_ptr<Notifier> progress_;  // the dispatcher (and run()) wait on it

  std::unordered_set<std::string> badges_in_flight_;  // at most one scan each
  // Scans whose badge has a scan in flight, in timeline order (timeline item indexes): each goes
  // out when the badge's previous result is in, while the dispatcher goes on with other badges.
  std::unordered_map<std::string, std::deque<std::size_t>> waiting_for_badge_;
  std::size_t round_robin_ = 0;
  std::int64_t scans_open_ = 0;     // dispatched, no final result yet
  std::int64_t presence_open_ = 0;  // dispatched, not acknowledged (or failed) yet
  std::int64_t scans_dispatched_ = 0;
  std::int64_t presence_dispatched_ = 0;
  std::int64_t last_progress_ = 0;                  // results + acks, for the watchdog
  std::deque<Clock::time_point> awaiting_display_;  // send times of answered scans

  // Measurements.
  Clock::time_point started_, replay_started_, replay_ended_, finished_;
  std::int64_t scan_frames_sent_ = 0;
  std::int64_t scan_results_ = 0;  // final results
  std::int64_t scan_retries_ = 0;  // `unavailable`, sent again
  std::int64_t scan_replays_ = 0;
  std::int64_t scan_mismatches_ = 0;  // a result for another scan_id than expected
  std::unordered_map<std::string, std::int64_t> results_by_status_;
  LatencyHistogram scan_to_result_;
  LatencyHistogram scan_to_display_;
  LatencyHistogram scan_to_display_exact_;  // followed desks, by the display's counts
  std::int64_t scans_missing_a_tick_ = 0;   // shown a display message later than the next one
  LatencyHistogram display_interval_;       // between the measured display's updates
  Clock::time_point last_display_message_{};
  Clock::time_point last_update_{};
  std::int64_t presence_items_sent_ = 0;
  std::int64_t presence_acked_ = 0;
  std::int64_t presence_batches_ = 0;
  std::int64_t presence_rate_limited_ = 0;
  std::int64_t presence_errors_ = 0;
  std::int64_t presence_replays_ = 0;
  std::unordered_map<std::string, std::int64_t> acks_by_status_;
  LatencyHistogram batch_to_ack_;
  std::int64_t display_messages_ = 0;
  std::int64_t display_bytes_ = 0;
  std::int64_t display_snapshots_ = 0;
  std::int64_t display_updates_ = 0;
  std::int64_t display_gaps_ = 0;
  std::int64_t beacons_open_ = 0;
  std::int64_t beacons_failed_ = 0;
  std::int64_t bytes_sent_ = 0;
  std::int64_t bytes_received_ = 0;
};

}  // namespace rollcall::tools::loadgen
