#include "gateway/server/desk_session.h"

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/server/context.h"
#include "gateway/server/frame_gate.h"
#include "gateway/server/request_auth.h"

namespace rollcall::gateway::server {

namespace asio = boost::asio;
namespace beast = boost::beast;

DeskParts DeskParts::of(const Context& context) {
  return {.scans = context.scans,
          .tokens = context.tokens,
          .events = context.events,
          .commands = context.commands,
          .metrics = context.metrics,
          .limits = context.limits};
}

DeskSession::DeskSession(WebSocket ws, std::shared_ptr<const EventInfo> event,
                         services::wire::Encoding encoding, std::string token,
                         const TokenDirectory::Decision& admitted, DeskParts parts)
    : ws_(std::move(ws)),
      event_(std::move(event)),
      encoding_(encoding),
      token_(std::move(token)),
      desk_{.id = admitted.desk_id, .token_id = admitted.token_id},
      parts_(std::move(parts)),
      gauge_(*parts_.metrics, Channel::desk) {}

asio::awaitable<void> DeskSession::run() {
  beast::flat_buffer buffer;
  FrameGate gate(ws_, *parts_.metrics, GatedChannel::desk, parts_.limits);
  while (co_await gate.read(buffer)) {
    const auto access = co_await authorize(token_, *parts_.tokens, *parts_.metrics,
                                           event_->config.event_id(), services::auth::Access::scan);
    if (!access.allowed && !access.unavailable) {
      co_await ws_.async_close(refusal_close(access), use_tuple);
      co_return;
    }
    const auto frame = beast::buffers_to_string(buffer.data());
    const auto result = co_await parts_.scans->handle(*event_, frame, encoding_, desk_);
    parts_.metrics->count_scan(v1::ScanStatus_Name(result.status()));
    const auto reply = encode(result, encoding_);
    auto [write_ec, written] = co_await ws_.async_write(asio::buffer(reply), use_tuple);
    if (write_ec) co_return;
  }
}

}  // namespace rollcall::gateway::server
