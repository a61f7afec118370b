#include "gateway/server/frame_gate.h"

#include <algorithm>
#include <array>

#include <spdlog/spdlog.h>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
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
  // Every frame is charged as its header arrives, before Beast acts on it: pings and pongs never
  // reach read() (Beast answers them inside it), nor do a message's fragments. Past the limit
  // the read fails there and read() writes the close itself: a close started while Beast's read
  // is under way could wait for ever on Beast's own close of a bad frame, and outlive the stream.
  ws_.next_layer().watch_reads(this);
  // Read now: by the time a refusal is logged, Beast may have closed the socket.
  beast::error_code ec;
  const auto peer = beast::get_lowest_layer(ws_).socket().remote_endpoint(ec);
  peer_ = ec ? std::string("?") : peer.address().to_string();
}

FrameGate::~FrameGate() {
  ws_.next_layer().watch_reads(nullptr);
}

bool FrameGate::on_read(std::string_view bytes) {
  if (refused_) return false;
  const auto charged = frames_.charged_in(bytes);
  if (charged == 0 || limiter_.allow(static_cast<double>(charged))) return true;
  refused_ = true;
  return false;
}

asio::awaitable<bool> FrameGate::read(beast::flat_buffer& buffer) {
  buffer.clear();
  auto [ec, bytes] = co_await ws_.async_read(buffer, use_tuple);
  if (refused_) {
    co_await close_over_limit();
    co_return false;
  }
  if (ec) {  // closed, timed out, or too big (Beast sent 1009)
    if (ec == websocket::error::message_too_big) {
      metrics_.count_limit_rejection("frame_size");
      log_refusal(fmt::format("closed (1009): a message over {} bytes", ws_.read_message_max()));
    }
    co_return false;
  }
  co_return true;
}

asio::awaitable<void> FrameGate::close_over_limit() {
  metrics_.count_limit_rejection("message_rate");
  log_refusal(fmt::format("closed (1008): over {} frames per second", rate_));
  // Beast's stream failed with the read: our close frame goes out on the stream beneath, bounded
  // in time (a flooder may read nothing), and what follows is only drained.
  auto& stream = ws_.next_layer();
  stream.watch_reads(nullptr);
  auto& tcp = beast::get_lowest_layer(ws_);
  tcp.expires_after(std::chrono::seconds(2));
  const auto frame = ws::close_frame(ws::kClosePolicy, "too many frames per second");
  co_await asio::async_write(stream, asio::buffer(frame), use_tuple);
  if (stream.is_tls()) {
    co_await stream.async_shutdown();  // close_notify, and the peer's
    co_return;
  }
  // Closing with the flood still unread would reset the connection, and the peer could lose our
  // close frame: its answer and whatever it still sends are read and dropped until it closes.
  beast::error_code ignored;
  tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  std::array<char, 4096> sink;
  for (;;) {
    auto [ec, n] = co_await tcp.async_read_some(asio::buffer(sink), use_tuple);
    if (ec) break;
  }
}

void FrameGate::log_refusal(const std::string& what) {
  static LogThrottle throttle(5);
  const auto skipped = throttle.admit();
  if (!skipped) return;
  spdlog::warn("{} connection from {} {} ({} such lines skipped before)", channel_, peer_, what,
               *skipped);
}

}  // namespace rollcall::gateway::server
