#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "gateway/metrics.h"
#include "gateway/server/connection_limits.h"
#include "gateway/server/flex_stream.h"
#include "gateway/server/frame_gate.h"
#include "gateway/server/limits.h"
#include "gateway/server/rate_limiter.h"
#include "gateway/server/ws_frame.h"
#include "gateway/token_watch.h"

namespace rollcall::gateway::server {

// A WebSocket channel that owns its socket once Beast has done the handshake (displays, beacons,
// desks): Beast's stream, its buffers and timers would cost each connection several kilobytes,
// a display's shared frames are written as they are, and a desk's scan costs no strand,
// coroutine resume or framing of Beast's.
//
// It reads the client's frames with ws::ClientFrameParser, answering pings, closes and protocol
// errors as Beast did, and counting every frame against the channel's rate as FrameGate does.
// It writes one frame at a time: our close, a pong, a keep-alive ping, an error, then whatever
// the channel has next (next_data()). sweep() stands in for Beast's per-write and idle timers;
// it runs about once a second (displays from the hub, beacons from ChannelSweeps, desks from a
// timer: sweep_on()). Nothing a display or beacon reads carries a token, so a TokenWatch checks
// the one it was let in with; a desk checks its token on every frame.
class RawChannel : public std::enable_shared_from_this<RawChannel>, public TokenWatch::Holder {
 public:
  using WebSocket = boost::beast::websocket::stream<FlexStream>;
  using Clock = std::chrono::steady_clock;
  using Bytes = std::shared_ptr<const std::string>;

  virtual ~RawChannel() = default;
  RawChannel(const RawChannel&) = delete;
  RawChannel& operator=(const RawChannel&) = delete;

  boost::asio::any_io_executor get_executor() const { return executor_; }
  // The connection's place under the limits, given back when the channel ends.
  void hold(std::unique_ptr<ConnectionLimits::Slot> slot) { slot_ = std::move(slot); }
  // The token it was let in with is refused now: closed as a desk is (4401, 4403).
  void on_token_refused(const TokenDirectory::Decision& decision) override;
  // One sweep() by a sweeper shared with other channels (ChannelSweeps); false once the
  // connection is finished: it needs no more.
  bool swept(Clock::time_point now, Clock::duration idle_timeout);

 protected:
  // `ws` has completed its handshake; its stream is taken out of it.
  RawChannel(WebSocket&& ws, GatedChannel channel, const Limits& limits,
             std::shared_ptr<Metrics> metrics);

  // An admitted data message from the client (the frame rate already charged). A channel that
  // answers each message before reading the next calls pause_reading() here, then
  // resume_reading() once it has answered.
  virtual void on_message(const ws::ClientEvent& message) = 0;
  // The channel's next data frame to write, or null when it has none.
  virtual Bytes next_data() { return nullptr; }
  virtual void on_data_written() {}
  // A write stuck past the slow-consumer timeout ended the connection.
  virtual void on_dropped_as_slow() {}

  // Reads until the peer closes, fails or is dropped; then ends the connection (finish()) and
  // calls on_finished(). The reads are plain handlers, not a coroutine: an idle connection holds
  // no coroutine frame, only its pending read (which owns the channel).
  void start_reading();
  // No frame is read past this message until resume_reading(), as Beast reads none while its
  // reader is busy: a client's requests are answered one at a time, in order, and a client
  // sending faster than they are answered waits in its socket's buffers, not in ours.
  void pause_reading() { paused_ = true; }
  void resume_reading();
  // For a channel no hub sweeps: sweep() on `timer` every `every` (at least 100 ms) until the
  // connection is over. A ping goes out between 1/2 of `idle_timeout` and `every` later, and a
  // peer that never answers is cut off up to `every` after the full timeout; a stuck write or an
  // unanswered close may be found up to `every` late.
  void sweep_on(boost::asio::steady_timer& timer, Clock::duration idle_timeout,
                Clock::duration every);
  // The connection is over (sweep() is no longer needed): the channel's own ending.
  virtual boost::asio::awaitable<void> on_finished() = 0;
  // Write what is due, unless a write is in flight.
  void send();
  // Sends `frame` (an error for the client) before any data, and before our close.
  void send_error(Bytes frame);
  // Sends our close frame after what is in flight; frames read from then on only wait for the
  // peer's close.
  void close_with(std::uint16_t code, std::string_view reason);
  // Our close for a token refused now (refusal_close: 4401, 4403).
  void close_refused(const TokenDirectory::Decision& decision);
  // The per-write and idle checks: a write stuck too long or a closing handshake left
  // unanswered ends the connection; a peer silent for `idle_timeout` / 2 is pinged and, if it
  // stays silent for `idle_timeout`, cut off.
  void sweep(Clock::time_point now, Clock::duration idle_timeout);
  // Ends the connection at once: the read and the write in flight fail.
  void drop();
  bool ended() const { return ended_; }
  Metrics& metrics() { return *metrics_; }

 private:
  friend class ChannelSweeps;  // keeps sweep_place_
  static constexpr std::uint32_t kNoSweepPlace = 0xffffffff;
  struct Streams {
    boost::asio::ip::tcp::socket socket;  // the connection when plain
    std::optional<FlexStream::TlsStream> tls;
    std::string received;  // read with the upgrade request: the first bytes read
  };
  enum class Written { data, control, close };

  static Streams take_streams(WebSocket&& ws);
  RawChannel(Streams streams, GatedChannel channel, const Limits& limits,
             std::shared_ptr<Metrics> metrics);
  void read_some();
  void on_read(boost::system::error_code ec, std::size_t n);
  enum class Next { read, wait, end };
  void parse_unread();  // the events in unread_, then the next read (or the end)
  Next parse_some();    // the events in unread_ until one waits, ends, or all are used
  void end_reading();   // finish(), then on_finished(), in a coroutine that owns the channel
  // After the reading: our close frame written (if any), then the TLS or TCP goodbye. Bounded
  // by sweep(), which must go on running until it returns.
  boost::asio::awaitable<void> finish();
  bool handle(const ws::ClientEvent& event);  // false: read no further
  // Where the channel reads, sized by each channel for what its client sends (the parser takes
  // any frame piecewise).
  virtual boost::asio::mutable_buffer read_buffer() = 0;
  bool admit();  // one more frame within the rate?
  void written(boost::system::error_code ec, Written kind);
  // What the plain socket took of `frame` without waiting (0 when full, or on an error).
  std::size_t write_now(const std::string& frame);
  // A frame is out: false when it was our close (nothing follows it).
  bool after_write(Written kind);
  boost::asio::ip::tcp::socket& tcp();
  void log_refusal(std::string_view limit, const std::string& what);

  boost::asio::ip::tcp::socket socket_;
  std::optional<FlexStream::TlsStream> tls_;
  // The connection's (the unused plain socket under TLS is made on the TLS stream's).
  const boost::asio::any_io_executor executor_;
  std::shared_ptr<Metrics> metrics_;
  std::unique_ptr<ConnectionLimits::Slot> slot_;
  std::string_view channel_;  // for the log: display, beacon
  Clock::duration slow_consumer_timeout_;
  ws::ClientFrameParser parser_;
  RateLimiter limiter_;
  double rate_;
  Bytes waiting_error_;
  Bytes pong_;
  Bytes close_;              // our close frame, until written
  bool ping_due_ = false;    // a keep-alive ping to send
  bool writing_ = false;     // a write is in flight
  bool closing_ = false;     // our close frame is queued or written: nothing follows it
  bool close_sent_ = false;  // ...and written
  bool ended_ = false;       // the connection is over: nothing more is written
  bool refused_ = false;     // over the frame rate
  bool dropped_as_slow_ = false;
  bool pinged_ = false;         // a keep-alive ping went out since the peer last spoke
  bool close_bounded_ = false;  // the closing handshake ran out of time: dropped once
  bool paused_ = false;         // a message is being answered: nothing more is read
  bool reading_over_ = false;   // end_reading() was called: nothing more is read
  bool parsing_ = false;        // parse_unread() is running (on_message() may resume inside it)
  bool swept_out_ = false;      // finished: no more sweeps (sweep_on(), ChannelSweeps)
  // Its index in its thread's ChannelSweeps, kept there (none: not swept there).
  std::uint32_t sweep_place_ = kNoSweepPlace;
  std::string_view unread_;  // in the read buffer: what the parser has not taken yet
  // Sent with the upgrade request, read before the socket; rarely any, so not inline.
  std::unique_ptr<std::string> received_;
  boost::asio::steady_timer* sweep_timer_ = nullptr;     // sweep_on()'s, cancelled when finished
  boost::asio::steady_timer* wait_for_close_ = nullptr;  // finish() waits here for our close
  // For the sweep (the epoch: none).
  Clock::time_point write_started_{};
  Clock::time_point closing_since_{};
  Clock::time_point last_read_{};
};

}  // namespace rollcall::gateway::server
