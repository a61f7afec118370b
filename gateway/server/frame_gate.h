#pragma once

#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "gateway/metrics.h"
#include "gateway/server/flex_stream.h"
#include "gateway/server/limits.h"
#include "gateway/server/rate_limiter.h"
#include "gateway/server/ws_frame.h"

namespace rollcall::gateway::server {

// An upgraded connection, as every channel's session receives it.
using WebSocket = boost::beast::websocket::stream<FlexStream>;

// The WebSocket channels a FrameGate guards.
enum class GatedChannel { desk, display, bridge, beacon };

// What one channel may send: the largest message and the frame rate (and, for a bridge, the
// rate of the items inside its batches). Decided for every channel in one place,
// channel_limits(), from the gateway's Limits.
struct ChannelLimits {
  std::string_view name;  // in log lines: desk, display, bridge, beacon
  std::size_t max_frame = 0;
  double rate = 0;        // frames per second...
  double burst = 0;       // ...with bursts of this many
  double item_rate = 0;   // bridge only: joins and leaves per second...
  double item_burst = 0;  // ...with bursts of this many
};
ChannelLimits channel_limits(GatedChannel channel, const Limits& limits);

// A frame refused for `limit` (message_rate, frame_size) on a channel that reads its frames
// itself: counted in rollcall_limit_rejections_total{limit} and logged (throttled) in
// FrameGate's words, "<channel> connection from <peer> <what>".
void note_frame_refusal(Metrics& metrics, std::string_view limit, std::string_view channel,
                        const std::string& peer, const std::string& what);

// The door of the WebSocket channel Beast reads (bridges; the others are RawChannels). Each frame
// a client sends costs a token of the connection's bucket as its header arrives, before Beast
// does any work on it: messages of every kind (valid or not, empty, heartbeats), pings, pongs, and
// the fragments of a message (except large ones: ws::charged_fragment), which Beast reads inside
// one read. The gate therefore watches the stream's bytes (FlexStream::watch_reads,
// ws::FrameBoundaries). Past the limit the connection is closed with 1008 and a reason, counted in
// rollcall_limit_rejections_total{limit="message_rate"} and logged. A message over the stream's
// read_message_max ends the connection (Beast closes with 1009) and counts as
// limit="frame_size".
class FrameGate : public ReadWatcher {
 public:
  // Sets the stream's read_message_max and the frame rate of `channel` (channel_limits).
  FrameGate(WebSocket& ws, Metrics& metrics, GatedChannel channel, const Limits& limits);
  ~FrameGate();
  FrameGate(const FrameGate&) = delete;
  FrameGate& operator=(const FrameGate&) = delete;

  // The next message in `buffer` (cleared first); false when the connection is over.
  boost::asio::awaitable<bool> read(boost::beast::flat_buffer& buffer);

 private:
  FrameGate(WebSocket& ws, Metrics& metrics, const ChannelLimits& limits);
  // The stream's bytes: every frame is charged here (false: over the limit, the read fails).
  bool on_read(std::string_view bytes) override;
  // Over the limit: counted, logged, closed with 1008.
  boost::asio::awaitable<void> close_over_limit();
  void log_refusal(const std::string& what);

  WebSocket& ws_;
  Metrics& metrics_;
  std::string_view channel_;
  double rate_;
  RateLimiter limiter_;
  ws::FrameBoundaries frames_;
  std::string peer_;  // the client's address, for the log
  bool refused_ = false;
};

}  // namespace rollcall::gateway::server
