#include "gateway/server/display_session.h"

#include <array>

#include <spdlog/spdlog.h>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/server/context.h"
#include "gateway/server/frame_gate.h"

namespace rollcall::gateway::server {

namespace asio = boost::asio;
namespace {

// A peer that does not finish the closing handshake in this time is cut off.
constexpr auto kCloseTimeout = std::chrono::seconds(5);

const std::shared_ptr<const std::string>& ping_frame() {
  static const auto frame =
      std::make_shared<const std::string>(ws::server_frame(ws::Opcode::ping, {}));
  return frame;
}

}  // namespace

DisplayParts DisplayParts::of(const Context& context) {
  return {.hub = context.hub, .metrics = context.metrics, .limits = context.limits};
}

DisplaySession::Streams DisplaySession::take_streams(WebSocket&& ws) {
  // Beast's state (its timers among it) ends with `taken`; it read nothing past the request.
  WebSocket taken(std::move(ws));
  FlexStream& flex = taken.next_layer();
  if (auto* tls = flex.tls()) {
    asio::ip::tcp::socket unused(tls->get_executor());
    return Streams{std::move(unused), std::move(*tls)};
  }
  return Streams{flex.next_layer().release_socket(), std::nullopt};
}

DisplaySession::DisplaySession(WebSocket&& ws, std::string event_id,
                               services::wire::Encoding encoding, DisplayParts parts)
    : DisplaySession(take_streams(std::move(ws)), std::move(event_id), encoding, std::move(parts)) {
}

DisplaySession::DisplaySession(Streams streams, std::string event_id,
                               services::wire::Encoding encoding, DisplayParts parts)
    : socket_(std::move(streams.socket)),
      tls_(std::move(streams.tls)),
      executor_(socket_.get_executor()),
      event_id_(std::move(event_id)),
      encoding_(encoding),
      parts_(std::move(parts)),
      parser_(channel_limits(GatedChannel::display, parts_.limits).max_frame),
      limiter_(channel_limits(GatedChannel::display, parts_.limits).rate,
               channel_limits(GatedChannel::display, parts_.limits).burst),
      rate_(channel_limits(GatedChannel::display, parts_.limits).rate),
      gauge_(*parts_.metrics, Channel::display) {}

asio::ip::tcp::socket& DisplaySession::tcp() {
  return tls_ ? tls_->next_layer().socket() : socket_;
}

asio::awaitable<void> DisplaySession::run() {
  auto self = shared_from_this();
  last_read_ = Clock::now();
  parts_.hub->attach(event_id_, self);
  send();  // the snapshot, unless the hub is loading (then on_resync() follows)
  co_await read_frames();
  co_await finish();  // still attached: the sweep bounds the closing handshake
  parts_.hub->detach(event_id_, *this);
}

void DisplaySession::on_update(const std::shared_ptr<const SharedFrames>& update) {
  if (waiting_update_) {
    want_snapshot_ = true;  // two updates behind: skip to the newest state
    waiting_update_.reset();
  } else if (!want_snapshot_) {
    waiting_update_ = update;
  }
  send();
}

void DisplaySession::on_resync() {
  want_snapshot_ = true;
  waiting_update_.reset();
  send();
}

void DisplaySession::on_sweep(Clock::time_point now) {
  if (ended_) return;
  const auto& limits = parts_.limits;
  if (writing_ && now - write_started_ > limits.slow_consumer_timeout) {
    // A display that stops reading is dropped: its frame would hold the socket's buffers.
    dropped_as_slow_ = true;
    drop();
    return;
  }
  if (closing_ && now - closing_since_ > kCloseTimeout) {
    drop();
    return;
  }
  const auto quiet = now - last_read_;
  if (quiet < limits.idle_timeout / 2) return;
  // Closed only after a ping went unanswered: sweeps are about a second apart, so a peer that
  // answers every ping could otherwise fall between two sweeps and be cut off.
  if (!pinged_) {
    pinged_ = true;
    ping_due_ = true;
    send();
  } else if (quiet >= limits.idle_timeout) {
    drop();
  }
}

asio::awaitable<void> DisplaySession::read_frames() {
  // Part of this coroutine's frame, alive as long as the display: a display's client sends only
  // tiny frames (a snapshot request, pongs), and the parser takes any frame piecewise.
  std::array<char, 128> buffer;
  for (;;) {
    auto [ec, n] = tls_ ? co_await tls_->async_read_some(asio::buffer(buffer), use_tuple)
                        : co_await socket_.async_read_some(asio::buffer(buffer), use_tuple);
    if (ec) co_return;  // closed, reset, or dropped
    last_read_ = Clock::now();
    pinged_ = false;
    std::string_view input(buffer.data(), n);
    for (;;) {
      const auto event = parser_.next(input);
      if (event.kind == ws::ClientEvent::Kind::need_more) break;
      if (!handle(event)) co_return;
    }
  }
}

bool DisplaySession::handle(const ws::ClientEvent& event) {
  using Kind = ws::ClientEvent::Kind;
  switch (event.kind) {
    case Kind::message: {
      // After our close, frames are read only to find the peer's close.
      if (closing_ || !admit()) return true;
      v1::DisplayRequest request;
      std::string error;
      if (decode(event.payload, encoding_, &request, &error)) {
        if (request.snapshot()) want_snapshot_ = true;
      } else {
        v1::DisplayMessage message;
        message.mutable_error()->set_code("malformed");
        message.mutable_error()->set_message(error);
        waiting_error_ = prepared_frame(encode(message, encoding_), encoding_);
      }
      send();
      return true;
    }
    case Kind::ping:
      if (closing_ || !admit()) return true;
      pong_ =
          std::make_shared<const std::string>(ws::server_frame(ws::Opcode::pong, event.payload));
      send();
      return true;
    case Kind::pong:
      if (!closing_) admit();
      return true;
    case Kind::close:
      if (!closing_) close_with(ws::close_answer(event.code), {});
      return false;
    case Kind::failed:
      if (event.code == ws::kCloseTooBig) {
        log_refusal("frame_size",
                    fmt::format("closed (1009): a message over {} bytes", parser_.max_message()));
      }
      if (!closing_) close_with(event.code, {});
      return false;
    case Kind::need_more:
      break;
  }
  return true;
}

bool DisplaySession::admit() {
  // Every frame costs a token, pings and pongs included (FrameGate's rule).
  if (refused_) return false;
  if (limiter_.allow(1)) return true;
  refused_ = true;
  log_refusal("message_rate", fmt::format("closed (1008): over {} frames per second", rate_));
  close_with(ws::kClosePolicy, "too many frames per second");
  return false;
}

void DisplaySession::log_refusal(std::string_view limit, const std::string& what) {
  boost::system::error_code ec;
  const auto peer = tcp().remote_endpoint(ec);
  note_frame_refusal(*parts_.metrics, limit, "display",
                     ec ? std::string("?") : peer.address().to_string(), what);
}

void DisplaySession::close_with(std::uint16_t code, std::string_view reason) {
  closing_ = true;
  closing_since_ = Clock::now();
  close_ = std::make_shared<const std::string>(ws::close_frame(code, reason));
  send();
}

DisplaySession::Bytes DisplaySession::next_update() {
  for (;;) {
    if (waiting_error_) return std::exchange(waiting_error_, nullptr);
    if (want_snapshot_) {
      auto snapshot = parts_.hub->snapshot(event_id_);
      want_snapshot_ = false;
      waiting_update_.reset();
      if (!snapshot) return nullptr;  // the hub is loading; on_resync() follows
      seq_ = snapshot->seq;
      has_state_ = true;
      return snapshot->in(encoding_);
    }
    auto update = std::exchange(waiting_update_, nullptr);
    if (!update) return nullptr;
    if (!has_state_ || update->seq <= seq_) continue;  // older than what the display has
    if (update->prev_seq != seq_) {
      want_snapshot_ = true;
      continue;
    }
    seq_ = update->seq;
    return update->in(encoding_);
  }
}

void DisplaySession::send() {
  if (writing_ || ended_) return;
  Bytes frame;
  Written kind = Written::control;
  if (closing_) {
    if (!close_) return;  // written: nothing follows it
    frame = std::exchange(close_, nullptr);
    kind = Written::close;
  } else if (pong_) {
    frame = std::exchange(pong_, nullptr);
  } else if (ping_due_) {
    ping_due_ = false;
    frame = ping_frame();
  } else {
    frame = next_update();
    if (!frame) return;
    kind = Written::data;
  }
  writing_ = true;
  write_started_ = Clock::now();
  auto done = [self = shared_from_this(), frame, kind](boost::system::error_code ec, std::size_t) {
    self->written(ec, kind);
  };
  if (tls_) {
    asio::async_write(*tls_, asio::buffer(*frame), std::move(done));
  } else {
    asio::async_write(socket_, asio::buffer(*frame), std::move(done));
  }
}

void DisplaySession::written(boost::system::error_code ec, Written kind) {
  writing_ = false;
  if (ec) {
    if (dropped_as_slow_) parts_.metrics->count_slow_consumer_dropped();
    drop();
    return;
  }
  if (kind == Written::data) parts_.metrics->count_display_frames(1);
  if (kind == Written::close) {
    close_sent_ = true;
    if (wait_for_close_) wait_for_close_->cancel();
    return;
  }
  send();
}

void DisplaySession::drop() {
  const bool was_ended = ended_;
  ended_ = true;
  boost::system::error_code ignored;
  tcp().close(ignored);  // ends the read and the write in flight
  if (!was_ended && wait_for_close_) wait_for_close_->cancel();
}

asio::awaitable<void> DisplaySession::finish() {
  // Our close frame goes out after the write in flight; a connection that ended without one
  // (reset, dropped) is simply closed.
  if (closing_ && !ended_ && !close_sent_) {
    asio::steady_timer wait(socket_.get_executor());
    wait_for_close_ = &wait;
    while (!close_sent_ && !ended_) {
      wait.expires_at(asio::steady_timer::time_point::max());
      co_await wait.async_wait(use_tuple);
    }
    wait_for_close_ = nullptr;
  }
  if (!close_sent_ || ended_) {
    drop();
    co_return;
  }
  ended_ = true;
  boost::system::error_code ignored;
  if (tls_) {
    // close_notify, answered or not within the closing time.
    tls_->next_layer().expires_after(kCloseTimeout);
    co_await tls_->async_shutdown(use_tuple);
  } else {
    // As Beast's teardown: our side done, then whatever the peer still sends until it closes.
    socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    std::array<char, 256> sink;
    for (;;) {
      auto [ec, n] = co_await socket_.async_read_some(asio::buffer(sink), use_tuple);
      if (ec) break;
    }
  }
  tcp().close(ignored);
}

}  // namespace rollcall::gateway::server
