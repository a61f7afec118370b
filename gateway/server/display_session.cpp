#include "gateway/server/display_session.h"

#include "gateway/server/context.h"

namespace rollcall::gateway::server {

namespace asio = boost::asio;

DisplayParts DisplayParts::of(const Context& context) {
  return {.hub = context.hub, .metrics = context.metrics, .limits = context.limits};
}

DisplaySession::DisplaySession(WebSocket&& ws, std::string event_id,
                               services::wire::Encoding encoding, DisplayParts parts)
    : RawChannel(std::move(ws), GatedChannel::display, parts.limits, parts.metrics),
      event_id_(std::move(event_id)),
      encoding_(encoding),
      parts_(std::move(parts)),
      gauge_(*parts_.metrics, Channel::display) {}

asio::awaitable<void> DisplaySession::run() {
  parts_.hub->attach(event_id_, std::static_pointer_cast<DisplaySession>(shared_from_this()));
  send();  // the snapshot, unless the hub is loading (then on_resync() follows)
  start_reading();
  co_return;
}

// The sweep bounded the closing handshake because the display stayed attached until now.
asio::awaitable<void> DisplaySession::on_finished() {
  parts_.hub->detach(event_id_, *this);
  co_return;
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
  sweep(now, parts_.limits.idle_timeout);
}

void DisplaySession::on_message(const ws::ClientEvent& message) {
  v1::DisplayRequest request;
  std::string error;
  if (decode(message.payload, encoding_, &request, &error)) {
    if (request.snapshot()) want_snapshot_ = true;
  } else {
    v1::DisplayMessage reply;
    reply.mutable_error()->set_code("malformed");
    reply.mutable_error()->set_message(error);
    send_error(prepared_frame(encode(reply, encoding_), encoding_));
  }
}

DisplaySession::Bytes DisplaySession::next_data() {
  for (;;) {
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

void DisplaySession::on_data_written() {
  parts_.metrics->count_display_frames(1);
}

void DisplaySession::on_dropped_as_slow() {
  parts_.metrics->count_slow_consumer_dropped();
}

}  // namespace rollcall::gateway::server
