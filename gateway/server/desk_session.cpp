#include "gateway/server/desk_session.h"

namespace rollcall::gateway::server {

namespace asio = boost::asio;

DeskSession::DeskSession(WebSocket&& ws, std::shared_ptr<const EventInfo> event,
                         services::wire::Encoding encoding, std::string token,
                         const TokenDirectory::Decision& admitted, DeskParts parts)
    : DeskChannel(std::move(ws), encoding, std::move(token), event->config.event_id(), "desk",
                  std::move(parts)),
      event_(std::move(event)),
      desk_{.id = admitted.desk_id, .token_id = admitted.token_id} {}

asio::awaitable<std::string> DeskSession::answer(std::string frame) {
  const auto result = co_await parts().scans->handle(*event_, frame, encoding(), desk_);
  parts().metrics->count_scan(v1::ScanStatus_Name(result.status()));
  co_return encode(result, encoding());
}

}  // namespace rollcall::gateway::server
