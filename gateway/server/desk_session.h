#pragma once

#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "gateway/event_directory.h"
#include "gateway/metrics.h"
#include "gateway/scan_handler.h"
#include "gateway/server/frame_gate.h"
#include "gateway/server/limits.h"
#include "gateway/token_directory.h"
#include "redis/commands.h"
#include "services/wire/codec.h"

namespace rollcall::gateway::server {

struct Context;

// What a desk uses of the gateway: its scans, and the tokens it is checked against on every
// frame. A venue's desk (VenueDeskSession) also looks up the venue's events and their badges.
struct DeskParts {
  std::shared_ptr<ScanHandler> scans;
  std::shared_ptr<TokenDirectory> tokens;
  std::shared_ptr<EventDirectory> events;
  std::shared_ptr<redis::Commands> commands;
  std::shared_ptr<Metrics> metrics;
  Limits limits;

  static DeskParts of(const Context& context);
};

// Every WebSocket channel has this shape: a session class built from the upgraded stream, what it
// serves, and the parts of the gateway it uses (DeskParts, OnlineParts, DisplayParts); run()
// serves it until it closes.
//
// /v1/desk?event=E: each ScanRequest is answered with a ScanResult. A stolen tablet is cut off
// once its token is revoked: the token is checked again on every frame (cached for seconds).
class DeskSession {
 public:
  DeskSession(WebSocket ws, std::shared_ptr<const EventInfo> event,
              services::wire::Encoding encoding, std::string token,
              const TokenDirectory::Decision& admitted, DeskParts parts);

  boost::asio::awaitable<void> run();
  WebSocket::executor_type get_executor() { return ws_.get_executor(); }

 private:
  WebSocket ws_;
  std::shared_ptr<const EventInfo> event_;  // shared with the event directory's cache
  services::wire::Encoding encoding_;
  std::string token_;  // as presented at the upgrade
  ScanHandler::Desk desk_;
  DeskParts parts_;
  ChannelGauge gauge_;
};

}  // namespace rollcall::gateway::server
