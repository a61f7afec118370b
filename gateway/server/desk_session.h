#pragma once

#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "gateway/event_directory.h"
#include "gateway/scan_handler.h"
#include "gateway/server/desk_channel.h"
#include "gateway/token_directory.h"
#include "services/wire/codec.h"

namespace rollcall::gateway::server {

// Every WebSocket channel has this shape: a session class built from the upgraded stream, what it
// serves, and the parts of the gateway it uses (DeskParts, OnlineParts, DisplayParts); run()
// serves it until it closes.
//
// /v1/desk?event=E: each ScanRequest is answered with a ScanResult (DeskChannel).
class DeskSession : public DeskChannel {
 public:
  DeskSession(WebSocket&& ws, std::shared_ptr<const EventInfo> event,
              services::wire::Encoding encoding, std::string token,
              const TokenDirectory::Decision& admitted, DeskParts parts);

 private:
  boost::asio::awaitable<std::string> answer(std::string frame) override;

  std::shared_ptr<const EventInfo> event_;  // shared with the event directory's cache
  ScanHandler::Desk desk_;
};

}  // namespace rollcall::gateway::server
