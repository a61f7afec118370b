#include "gateway/server/frame_gate.h"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/websocket/error.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/server/log_throttle.h"

namespace rollcall::gateway::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

ChannelLimits channel_limits(GatedChannel channel, const Limits& limits) {
  // Ten seconds' worth of burst: a kiosk back online replays its whole queue without waiting.
  const double rate = limits.messages_per_second;
  switch (channel) {
    case GatedChannel::desk:
      return {.name = "desk", .max_frame = limits.max_frame, .rate = rate, .burst = 10 * rate};
    case GatedChannel::display:
      return {.name = "display", .max_frame = limits.max_frame, .rate = rate, .burst = 10 * rate};
    case GatedChannel::bridge:
      // A full batch of real items (long ids, e-mail addresses, session names) is ~150 KB binary
      // and ~260 KB JSON: bridges get room for the largest batch they are allowed to send.
      return {.name = "bridge",
              .max_frame = std::max(limits.max_frame, limits.max_bridge_frame),
              .rate = rate,
              .burst = 10 * rate,
              .item_rate = limits.bridge_items_per_second,
              .item_burst = 2 * limits.bridge_items_per_second};
    case GatedChannel::beacon:
      // A beacon has nothing to say but heartbeats: a few a second at most.
      return {.name = "beacon", .max_frame = limits.max_frame, .rate = 5, .burst = 10};
  }
  return {};
}

void note_frame_refusal(Metrics& metrics, std::string_view limit, std::string_view channel,
                        const std::string& peer, const std::string& what) {
  metrics.count_limit_rejection(limit);
  static LogThrottle throttle(5);
  const auto skipped = throttle.admit();
  if (!skipped) return;
  spdlog::warn("{} connection from {} {} ({} such lines skipped before)", channel, peer, what,
               *skipped);
}

FrameGate::FrameGate(WebSocket& ws, Metrics& metrics, GatedChannel channel, const Limits& limits)
    : FrameGate(ws, metrics, channel_limits(channel, limits)) {}

FrameGate::FrameGate(WebSocket& ws, Metrics& metrics, const ChannelLimits& limits)
    : ws_(ws),
      metrics_(metrics),
      channel_(limits.name),
      rate_(limits.rate),
      limiter_(limits.rate, limits.burst) {
  ws_.read_message_max(limits.max_frame);
  // Pings and pongs never reach read(): Beast answers them inside it. They are counted here, and
  // a flood of them is closed from here: Beast lets a close start while its read is under way
  // (that read then ends with the closing handshake); the close's completion touches nothing of
  // this gate or the stream, which its operation outlives safely.
  ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
    if (kind == websocket::frame_type::close || refused_ || limiter_.allow(1)) return;
    ws_.async_close(over_limit(), [](beast::error_code) {});
  });
  ws_.next_layer().watch_reads(this);
  // Read now: by the time a refusal is logged, Beast may have closed the socket.
  beast::error_code ec;
  const auto peer = beast::get_lowest_layer(ws_).socket().remote_endpoint(ec);
  peer_ = ec ? std::string("?") : peer.address().to_string();
}

FrameGate::~FrameGate() {
  ws_.control_callback();
  ws_.next_layer().watch_reads(nullptr);
}

void FrameGate::on_read(std::string_view bytes) {
  // The message's last frame is charged by read(), as a whole message.
  const auto fragments = frames_.fragments_in(bytes);
  if (fragments == 0 || refused_ || limiter_.allow(static_cast<double>(fragments))) return;
  // Started while Beast's read is under way, as from the control callback.
  ws_.async_close(over_limit(), [](beast::error_code) {});
}

asio::awaitable<bool> FrameGate::read(beast::flat_buffer& buffer) {
  buffer.clear();
  auto [ec, bytes] = co_await ws_.async_read(buffer, use_tuple);
  if (ec) {  // closed, timed out, over the limit in a ping, or too big (Beast sent 1009)
    if (ec == websocket::error::message_too_big) {
      metrics_.count_limit_rejection("frame_size");
      log_refusal(fmt::format("closed (1009): a message over {} bytes", ws_.read_message_max()));
    }
    co_return false;
  }
  if (refused_ || limiter_.allow(1)) co_return !refused_;
  co_await ws_.async_close(over_limit(), use_tuple);
  co_return false;
}

websocket::close_reason FrameGate::over_limit() {
  refused_ = true;
  metrics_.count_limit_rejection("message_rate");
  log_refusal(fmt::format("closed (1008): over {} frames per second", rate_));
  return {websocket::close_code::policy_error, "too many frames per second"};
}

void FrameGate::log_refusal(const std::string& what) {
  static LogThrottle throttle(5);
  const auto skipped = throttle.admit();
  if (!skipped) return;
  spdlog::warn("{} connection from {} {} ({} such lines skipped before)", channel_, peer_, what,
               *skipped);
}

}  // namespace rollcall::gateway::server
