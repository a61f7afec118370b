#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "gateway/metrics.h"
#include "gateway/server/flex_stream.h"
#include "gateway/server/limits.h"
#include "gateway/server/rate_limiter.h"
#include "gateway/server/ws_frame.h"
#include "gateway/totals_hub.h"

namespace rollcall::gateway::server {

// What a display uses of the gateway.
struct Context;

// What a display uses of the gateway: the hub's frames, the metrics, its limits.
struct DisplayParts {
  std::shared_ptr<TotalsHub> hub;
  std::shared_ptr<Metrics> metrics;
  Limits limits;

  static DisplayParts of(const Context& context);
};

// One display: a snapshot first, then the hub's shared updates. A display holds at most one
// frame in flight and one waiting; if it falls further behind, the waiting update is replaced
// by a fresh snapshot, so a slow screen costs no memory and still shows the newest state.
//
// Beast does the handshake; from there the session owns the socket and writes the hub's
// prepared frames (header included, shared by every display) as they are: one write of shared
// bytes per display and update, no framing, copy or timer. It reads the client's frames with
// ws::ClientFrameParser (answering pings, closes and protocol errors as Beast did, counting
// every frame against the channel's rate as FrameGate does), and the hub's periodic sweep
// (on_sweep) stands in for per-write and idle timers.
class DisplaySession : public DisplaySink, public std::enable_shared_from_this<DisplaySession> {
 public:
  using WebSocket = boost::beast::websocket::stream<FlexStream>;
  using Clock = std::chrono::steady_clock;

  // `ws` has completed its handshake; its stream is taken out of it.
  DisplaySession(WebSocket&& ws, std::string event_id, services::wire::Encoding encoding,
                 DisplayParts parts);

  boost::asio::awaitable<void> run();
  boost::asio::any_io_executor get_executor() const { return executor_; }
  boost::asio::any_io_executor executor() const override { return executor_; }
  void on_update(const std::shared_ptr<const SharedFrames>& update) override;
  void on_resync() override;
  void on_sweep(std::chrono::steady_clock::time_point now) override;

 private:
  struct Streams {
    boost::asio::ip::tcp::socket socket;  // the connection when plain
    std::optional<FlexStream::TlsStream> tls;
  };
  static Streams take_streams(WebSocket&& ws);
  DisplaySession(Streams streams, std::string event_id, services::wire::Encoding encoding,
                 DisplayParts parts);

  using Bytes = std::shared_ptr<const std::string>;
  enum class Written { data, control, close };

  boost::asio::awaitable<void> read_frames();
  boost::asio::awaitable<void> finish();
  bool handle(const ws::ClientEvent& event);  // false: read no further
  bool admit();                               // one more frame within the rate?
  void close_with(std::uint16_t code, std::string_view reason);
  void send();
  Bytes next_update();
  void written(boost::system::error_code ec, Written kind);
  void drop();
  boost::asio::ip::tcp::socket& tcp();
  void log_refusal(std::string_view limit, const std::string& what);

  boost::asio::ip::tcp::socket socket_;
  std::optional<FlexStream::TlsStream> tls_;
  // The connection's (the unused plain socket under TLS is made on the TLS stream's).
  const boost::asio::any_io_executor executor_;
  std::string event_id_;
  services::wire::Encoding encoding_;
  DisplayParts parts_;
  ws::ClientFrameParser parser_;
  RateLimiter limiter_;
  double rate_;
  // Touched only on the session's executor (the hub calls the DisplaySink methods there too).
  std::shared_ptr<const SharedFrames> waiting_update_;
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
  bool want_snapshot_ = true;
  bool has_state_ = false;
  std::uint64_t seq_ = 0;                                // what the display has
  boost::asio::steady_timer* wait_for_close_ = nullptr;  // finish() waits here for our close
  // For the sweep (the epoch: none).
  Clock::time_point write_started_{};
  Clock::time_point closing_since_{};
  Clock::time_point last_read_{};
  bool pinged_ = false;
  ChannelGauge gauge_;
};

}  // namespace rollcall::gateway::server
