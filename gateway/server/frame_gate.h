#pragma once

#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "gateway/metrics.h"
#include "gateway/server/flex_stream.h"
#include "gateway/server/rate_limiter.h"

namespace rollcall::gateway::server {

// The door of every WebSocket channel. Each frame a client sends costs a token of the
// connection's bucket before any work is done on it: messages of every kind (valid or not,
// empty, heartbeats) and pings and pongs alike. Past the limit the connection is closed with
// 1008 and a reason, counted in rollcall_limit_rejections_total{limit="message_rate"} and
// logged. A message over the stream's read_message_max ends the connection (Beast closes with
// 1009) and counts as limit="frame_size".
class FrameGate {
 public:
  using WebSocket = boost::beast::websocket::stream<FlexStream>;

  // `channel` names the channel in log lines (a literal: desk, display, bridge, beacon).
  FrameGate(WebSocket& ws, Metrics& metrics, std::string_view channel, double rate, double burst);
  ~FrameGate();
  FrameGate(const FrameGate&) = delete;
  FrameGate& operator=(const FrameGate&) = delete;

  // The next message in `buffer` (cleared first); false when the connection is over.
  boost::asio::awaitable<bool> read(boost::beast::flat_buffer& buffer);

 private:
  boost::beast::websocket::close_reason over_limit();
  void log_refusal(const std::string& what);

  WebSocket& ws_;
  Metrics& metrics_;
  std::string_view channel_;
  double rate_;
  RateLimiter limiter_;
  bool refused_ = false;
};

}  // namespace rollcall::gateway::server
