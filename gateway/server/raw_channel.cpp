#include "gateway/server/raw_channel.h"

#include <sys/socket.h>

#include <algorithm>
#include <array>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/server/channel_sweeps.h"
#include "gateway/server/request_auth.h"

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

RawChannel::Streams RawChannel::take_streams(WebSocket&& ws) {
  // Beast's state (its timers among it) ends with `taken`; it read nothing past the request.
  WebSocket taken(std::move(ws));
  FlexStream& flex = taken.next_layer();
  auto received = flex.take_received();
  if (auto* tls = flex.tls()) {
    asio::ip::tcp::socket unused(tls->get_executor());
    return Streams{std::move(unused), std::move(*tls), std::move(received)};
  }
  return Streams{flex.next_layer().release_socket(), std::nullopt, std::move(received)};
}

RawChannel::RawChannel(WebSocket&& ws, GatedChannel channel, const Limits& limits,
                       std::shared_ptr<Metrics> metrics)
    : RawChannel(take_streams(std::move(ws)), channel, limits, std::move(metrics)) {}

RawChannel::RawChannel(Streams streams, GatedChannel channel, const Limits& limits,
                       std::shared_ptr<Metrics> metrics)
    : socket_(std::move(streams.socket)),
      tls_(std::move(streams.tls)),
      executor_(socket_.get_executor()),
      metrics_(std::move(metrics)),
      channel_(channel_limits(channel, limits).name),
      slow_consumer_timeout_(limits.slow_consumer_timeout),
      parser_(channel_limits(channel, limits).max_frame),
      limiter_(channel_limits(channel, limits).rate, channel_limits(channel, limits).burst),
      rate_(channel_limits(channel, limits).rate),
      received_(streams.received.empty()
                    ? nullptr
                    : std::make_unique<std::string>(std::move(streams.received))),
      last_read_(Clock::now()) {}

asio::ip::tcp::socket& RawChannel::tcp() {
  return tls_ ? tls_->next_layer().socket() : socket_;
}

void RawChannel::sweep(Clock::time_point now, Clock::duration idle_timeout) {
  if (!ended_ && writing_ && now - write_started_ > slow_consumer_timeout_) {
    // A peer that stops reading is dropped: its frame would hold the socket's buffers.
    dropped_as_slow_ = true;
    drop();
    return;
  }
  // Also once nothing more is written: finish() waits for the peer's goodbye.
  if (closing_ && !close_bounded_ && now - closing_since_ > kCloseTimeout) {
    close_bounded_ = true;
    drop();
    return;
  }
  if (ended_) return;
  const auto quiet = now - last_read_;
  if (quiet < idle_timeout / 2) return;
  // Closed only after a ping went unanswered: sweeps are about a second apart, so a peer that
  // answers every ping could otherwise fall between two sweeps and be cut off.
  if (!pinged_) {
    pinged_ = true;
    ping_due_ = true;
    send();
  } else if (quiet >= idle_timeout) {
    drop();
  }
}

bool RawChannel::swept(Clock::time_point now, Clock::duration idle_timeout) {
  if (swept_out_) return false;
  sweep(now, idle_timeout);
  return true;
}

void RawChannel::start_reading() {
  read_some();
}

void RawChannel::sweep_on(asio::steady_timer& timer, Clock::duration idle_timeout,
                          Clock::duration every) {
  sweep_timer_ = &timer;
  timer.expires_after(std::max<Clock::duration>(every, std::chrono::milliseconds(100)));
  timer.async_wait([self = shared_from_this(), idle_timeout, every](boost::system::error_code ec) {
    if (ec || self->swept_out_) return;
    self->sweep(Clock::now(), idle_timeout);
    self->sweep_on(*self->sweep_timer_, idle_timeout, every);
  });
}

void RawChannel::read_some() {
  if (received_) {  // as if read: the same limits, parser and loop
    const auto n = detail::take_received(*received_, read_buffer());
    if (received_->empty()) received_.reset();
    asio::post(executor_, [self = shared_from_this(), n] { self->on_read({}, n); });
    return;
  }
  auto done = [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
    self->on_read(ec, n);
  };
  if (tls_) {
    tls_->async_read_some(read_buffer(), std::move(done));
  } else {
    socket_.async_read_some(read_buffer(), std::move(done));
  }
}

void RawChannel::on_read(boost::system::error_code ec, std::size_t n) {
  if (ec) {  // closed, reset, or dropped
    end_reading();
    return;
  }
  last_read_ = Clock::now();
  pinged_ = false;
  unread_ = std::string_view(static_cast<const char*>(read_buffer().data()), n);
  parse_unread();
}

void RawChannel::resume_reading() {
  if (!paused_) return;
  paused_ = false;
  // Resumed inside on_message() (answered at once): the loop that paused goes on by itself. A
  // second loop here would start a second read beside the first.
  if (parsing_) return;
  parse_unread();
}

void RawChannel::parse_unread() {
  parsing_ = true;
  Next next;
  try {
    next = parse_some();
  } catch (...) {
    // An answer written at once may parse on inside (send() -> on_data_written() ->
    // resume_reading()); a throw from there (bad_alloc) ends the channel through its caller's
    // handler, whose resume_reading() must not find the loop still marked as running.
    parsing_ = false;
    throw;
  }
  parsing_ = false;
  if (next == Next::read) {
    read_some();
  } else if (next == Next::end) {
    end_reading();
  }
}

RawChannel::Next RawChannel::parse_some() {
  // A message's answer may run to its end inside on_message(): resume (the loop goes on), or
  // end the connection (the loop ends it).
  for (;;) {
    if (reading_over_) return Next::wait;
    // Dropped while paused: no read is in flight to find it.
    if (ended_) return Next::end;
    const auto event = parser_.next(unread_);
    if (event.kind == ws::ClientEvent::Kind::need_more) return Next::read;
    if (!handle(event)) return Next::end;
    if (paused_) return Next::wait;
  }
}

void RawChannel::end_reading() {
  if (reading_over_) return;
  reading_over_ = true;
  asio::co_spawn(
      executor_,
      [self = shared_from_this()]() -> asio::awaitable<void> {
        co_await self->finish();
        self->swept_out_ = true;
        if (self->sweep_timer_) self->sweep_timer_->cancel();
        if (self->sweep_place_ != kNoSweepPlace) ChannelSweeps::of(self->executor_).remove(*self);
        co_await self->on_finished();
      },
      rethrow_to_pool);  // a display's place in the hub, a beacon's leave and lease
}

bool RawChannel::handle(const ws::ClientEvent& event) {
  using Kind = ws::ClientEvent::Kind;
  switch (event.kind) {
    case Kind::message:
      // After our close, frames are read only to find the peer's close.
      if (closing_ || !admit()) return true;
      on_message(event);
      send();
      return true;
    case Kind::ping:
      if (closing_ || !admit()) return true;
      pong_ =
          std::make_shared<const std::string>(ws::server_frame(ws::Opcode::pong, event.payload));
      send();
      return true;
    case Kind::fragment:
      if (!closing_ && ws::charged_fragment(event.payload.size())) admit();
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

bool RawChannel::admit() {
  // Every frame costs a token, pings and pongs included (FrameGate's rule).
  if (refused_) return false;
  if (limiter_.allow(1)) return true;
  refused_ = true;
  log_refusal("message_rate", fmt::format("closed (1008): over {} frames per second", rate_));
  close_with(ws::kClosePolicy, "too many frames per second");
  return false;
}

void RawChannel::log_refusal(std::string_view limit, const std::string& what) {
  boost::system::error_code ec;
  const auto peer = tcp().remote_endpoint(ec);
  note_frame_refusal(*metrics_, limit, channel_, ec ? std::string("?") : peer.address().to_string(),
                     what);
}

void RawChannel::send_error(Bytes frame) {
  waiting_error_ = std::move(frame);
  send();
}

void RawChannel::on_token_refused(const TokenDirectory::Decision& decision) {
  asio::post(executor_, [self = shared_from_this(), decision] {
    // Counted here, where it is known: a channel already closing is not closed by the refusal.
    if (self->ended_ || self->closing_) return;
    self->metrics_->count_token_refused_closes(decision.refusal, 1);
    self->close_refused(decision);
  });
}

void RawChannel::close_refused(const TokenDirectory::Decision& decision) {
  const auto reason = refusal_close(decision);
  close_with(static_cast<std::uint16_t>(reason.code), reason.reason.c_str());
}

void RawChannel::close_with(std::uint16_t code, std::string_view reason) {
  closing_ = true;
  closing_since_ = Clock::now();
  close_ = std::make_shared<const std::string>(ws::close_frame(code, reason));
  send();
}

void RawChannel::send() {
  while (!writing_ && !ended_) {
    Bytes frame;
    Written kind = Written::control;
    if (waiting_error_) {
      frame = std::exchange(waiting_error_, nullptr);
    } else if (closing_) {
      if (!close_) return;  // written: nothing follows it
      frame = std::exchange(close_, nullptr);
      kind = Written::close;
    } else if (pong_) {
      frame = std::exchange(pong_, nullptr);
    } else if (ping_due_) {
      ping_due_ = false;
      frame = ping_frame();
    } else {
      frame = next_data();
      if (!frame) return;
      kind = Written::data;
    }
    // A plain socket is written at once, as uWebSockets does: a frame the socket takes whole
    // costs one send(2), with no operation, completion post or handler. Only the rest of a short
    // write, a full socket, or an error (met again, and handled, by the write that follows)
    // waits for Asio.
    const std::size_t at = tls_ ? 0 : write_now(*frame);
    if (at == frame->size()) {
      if (!after_write(kind)) return;
      continue;
    }
    writing_ = true;
    write_started_ = Clock::now();
    auto done = [self = shared_from_this(), frame, kind](boost::system::error_code ec,
                                                         std::size_t) { self->written(ec, kind); };
    if (tls_) {
      asio::async_write(*tls_, asio::buffer(*frame), std::move(done));
    } else {
      asio::async_write(socket_, asio::buffer(*frame) + at, std::move(done));
    }
    return;
  }
}

std::size_t RawChannel::write_now(const std::string& frame) {
  const ssize_t n =
      ::send(socket_.native_handle(), frame.data(), frame.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

bool RawChannel::after_write(Written kind) {
  if (kind == Written::data) on_data_written();
  if (kind == Written::close) {
    close_sent_ = true;
    if (wait_for_close_) wait_for_close_->cancel();
    return false;
  }
  return true;
}

void RawChannel::written(boost::system::error_code ec, Written kind) {
  writing_ = false;
  if (ec) {
    if (dropped_as_slow_) on_dropped_as_slow();
    drop();
    resume_reading();  // a channel waiting for this write to read on ends now
    return;
  }
  if (after_write(kind)) send();
}

void RawChannel::drop() {
  const bool was_ended = ended_;
  ended_ = true;
  boost::system::error_code ignored;
  tcp().close(ignored);  // ends the read and the write in flight
  if (!was_ended && wait_for_close_) wait_for_close_->cancel();
}

asio::awaitable<void> RawChannel::finish() {
  // Our close frame goes out after the write in flight; a connection that ended without one
  // (reset, dropped) is simply closed.
  if (closing_ && !ended_ && !close_sent_) {
    asio::steady_timer wait(executor_);
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
