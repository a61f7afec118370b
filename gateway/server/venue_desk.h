#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "gateway/server/context.h"
#include "gateway/server/flex_stream.h"
#include "gateway/server/http_routes.h"
#include "gateway/token_directory.h"
#include "services/venue/venue_config.h"
#include "services/wire/codec.h"

namespace rollcall::gateway::server {

using WebSocket = boost::beast::websocket::stream<FlexStream>;

// /v1/desk?venue=V: a desk at a shared entrance that serves every event of a venue with one
// token (rollcall-admin token issue --venue V --role desk). Each ScanRequest is checked against
// the events that know the badge (a signed code: the event that signed it) and counted in each,
// exactly as that event's own desks would count it; the answer is one VenueScanResult naming
// every event's verdict (services/checkin/venue_verdict.h). The token is checked again on every
// frame, as on an event's desk.
boost::asio::awaitable<void> run_venue_desk(WebSocket& ws,
                                            const services::venue::VenueConfig& venue,
                                            services::wire::Encoding encoding,
                                            const Request& request, const Context& context,
                                            const TokenDirectory::Decision& admitted);

}  // namespace rollcall::gateway::server
