#include "gateway/server/desk_channel.h"

#include <boost/asio/co_spawn.hpp>

#include "gateway/server/context.h"
#include "gateway/server/request_auth.h"
#include "gateway/server/session_end.h"

namespace rollcall::gateway::server {

namespace asio = boost::asio;

DeskParts DeskParts::of(const Context& context) {
  return {.scans = context.scans,
          .tokens = context.tokens,
          .events = context.events,
          .commands = context.commands,
          .metrics = context.metrics,
          .limits = context.limits};
}

DeskChannel::DeskChannel(WebSocket&& ws, services::wire::Encoding encoding, std::string token,
                         std::string feed, std::string_view channel, DeskParts parts)
    : RawChannel(std::move(ws), GatedChannel::desk, parts.limits, parts.metrics),
      encoding_(encoding),
      token_(TokenDirectory::presented(token)),
      feed_(std::move(feed)),
      session_(channel),
      parts_(std::move(parts)),
      timer_(get_executor()),
      gauge_(*parts_.metrics, Channel::desk) {}

asio::awaitable<void> DeskChannel::run() {
  // Every second, as the hub sweeps displays: desks are few, and a desk gone silent after its
  // close must give its place back within the closing time (5 s), not a quarter of
  // --idle-timeout.
  sweep_on(timer_, parts_.limits.idle_timeout, std::chrono::seconds(1));
  start_reading();
  co_return;
}

void DeskChannel::on_message(const ws::ClientEvent& message) {
  pause_reading();
  auto self = std::static_pointer_cast<DeskChannel>(shared_from_this());
  try {
    asio::co_spawn(get_executor(), serve(std::string(message.payload)),
                   [self](std::exception_ptr failure) {
                     if (failure) self->end_on(failure);
                   });
  } catch (...) {  // memory running out before the answer starts
    end_on(std::current_exception());
  }
}

void DeskChannel::end_on(std::exception_ptr failure) {
  SessionEnd(parts_.metrics, session_)(failure);
  drop();
  resume_reading();  // to end
}

asio::awaitable<void> DeskChannel::serve(std::string frame) {
  const auto access = co_await authorize(token_, *parts_.tokens, *parts_.metrics, feed_,
                                         services::auth::Access::scan);
  if (!access.allowed && !access.unavailable) {
    close_refused(access);
    resume_reading();  // only to find the peer's close
    co_return;
  }
  const auto payload = co_await answer(std::move(frame));
  const auto opcode =
      encoding_ == services::wire::Encoding::json ? ws::Opcode::text : ws::Opcode::binary;
  reply_ = std::make_shared<const std::string>(ws::server_frame(opcode, payload));
  send();
  // Ended meanwhile: nothing is written, so on_data_written() will not resume the reading.
  if (ended()) resume_reading();
}

}  // namespace rollcall::gateway::server
