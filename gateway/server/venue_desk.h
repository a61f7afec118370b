#pragma once

#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "gateway/server/desk_channel.h"
#include "gateway/token_directory.h"
#include "services/venue/venue_config.h"
#include "services/wire/codec.h"

namespace rollcall::gateway::server {

// /v1/desk?venue=V: a desk at a shared entrance that serves every event of a venue with one
// token (rollcall-admin token issue --venue V --role desk). Each ScanRequest is checked against
// the events that know the badge (a signed code: the event that signed it) and counted in each,
// exactly as that event's own desks would count it; the answer is one VenueScanResult naming
// every event's verdict (services/checkin/venue_verdict.h). The token is checked again on every
// frame, as on an event's desk (DeskChannel).
class VenueDeskSession : public DeskChannel {
 public:
  VenueDeskSession(WebSocket&& ws, services::venue::VenueConfig venue,
                   services::wire::Encoding encoding, std::string token,
                   const TokenDirectory::Decision& admitted, DeskParts parts);

 private:
  boost::asio::awaitable<std::string> answer(std::string frame) override;
  boost::asio::awaitable<std::vector<bool>> who_knows(const std::vector<EventInfo>& events,
                                                      std::string_view frame, bool* unavailable);

  services::venue::VenueConfig venue_;
  std::vector<ScanHandler::Desk> desks_;  // one per event: each counts the token's desk id
};

}  // namespace rollcall::gateway::server
