#include "gateway/server/display_session.h"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/server/frame_gate.h"

namespace rollcall::gateway::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using namespace asio::experimental::awaitable_operators;

DisplaySession::DisplaySession(WebSocket ws, std::string event_id,
                               services::wire::Encoding encoding,
                               std::shared_ptr<const Context> context)
    : ws_(std::move(ws)),
      event_id_(std::move(event_id)),
      encoding_(encoding),
      context_(std::move(context)),
      wake_(ws_.get_executor()),
      slow_timer_(ws_.get_executor()),
      gauge_(*context_->metrics, Channel::display) {}

asio::awaitable<void> DisplaySession::run() {
  context_->hub->attach(event_id_, shared_from_this());
  co_await (read_requests() || write_frames());
  context_->hub->detach(event_id_, this);
}

void DisplaySession::on_update(std::shared_ptr<const SharedFrames> update) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), update = std::move(update)] {
    if (self->waiting_update_) {
      self->want_snapshot_ = true;  // two updates behind: skip to the newest state
      self->waiting_update_.reset();
    } else if (!self->want_snapshot_) {
      self->waiting_update_ = update;
    }
    self->wake();
  });
}

void DisplaySession::on_resync() {
  asio::post(ws_.get_executor(), [self = shared_from_this()] {
    self->want_snapshot_ = true;
    self->waiting_update_.reset();
    self->wake();
  });
}

asio::awaitable<void> DisplaySession::read_requests() {
  beast::flat_buffer buffer;
  // Past the limit the gate closes the socket; write_frames() is cancelled when this returns.
  FrameGate gate(ws_, *context_->metrics, GatedChannel::display, context_->limits);
  while (co_await gate.read(buffer)) {
    v1::DisplayRequest request;
    std::string error;
    if (decode(beast::buffers_to_string(buffer.data()), encoding_, &request, &error)) {
      if (request.snapshot()) want_snapshot_ = true;
    } else {
      v1::DisplayMessage message;
      message.mutable_error()->set_code("malformed");
      message.mutable_error()->set_message(error);
      waiting_error_ = std::make_shared<const std::string>(encode(message, encoding_));
    }
    wake();
  }
}

asio::awaitable<void> DisplaySession::write_frames() {
  for (;;) {
    if ((co_await asio::this_coro::cancellation_state).cancelled() !=
        asio::cancellation_type::none) {
      co_return;
    }
    std::shared_ptr<const std::string> frame;
    if (waiting_error_) {
      frame = std::exchange(waiting_error_, nullptr);
    } else if (want_snapshot_) {
      auto snapshot = context_->hub->snapshot(event_id_);
      want_snapshot_ = false;
      waiting_update_.reset();
      if (snapshot) {  // otherwise the hub is loading and on_resync() follows
        frame = snapshot->in(encoding_);
        seq_ = snapshot->seq;
        has_state_ = true;
      }
    } else if (auto update = std::exchange(waiting_update_, nullptr)) {
      if (!has_state_ || update->seq <= seq_) continue;  // older than what the display has
      if (update->prev_seq != seq_) {
        want_snapshot_ = true;
        continue;
      }
      frame = update->in(encoding_);
      seq_ = update->seq;
    }
    if (!frame) {
      wake_.expires_at(asio::steady_timer::time_point::max());
      co_await wake_.async_wait(use_tuple);
      continue;
    }
    // A display that stops reading is dropped after a while: its frame would otherwise hold
    // the socket's buffers forever.
    slow_timer_.expires_after(context_->limits.slow_consumer_timeout);
    slow_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec) return;
      self->dropped_as_slow_ = true;
      beast::get_lowest_layer(self->ws_).close();
    });
    auto [ec, written] = co_await ws_.async_write(asio::buffer(*frame), use_tuple);
    slow_timer_.cancel();
    if (ec) {
      if (dropped_as_slow_) context_->metrics->count_slow_consumer_dropped();
      co_return;
    }
    context_->metrics->count_display_frames(1);
  }
}

}  // namespace rollcall::gateway::server
