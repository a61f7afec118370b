#pragma once

#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/url/params_view.hpp>

#include "gateway/server/context.h"
#include "gateway/server/flex_stream.h"
#include "rollcall/v1/auth.pb.h"

namespace rollcall::gateway::server {

using WebSocket = boost::beast::websocket::stream<FlexStream>;

// GET /v1/online?event=E. With a beacon ticket (already verified: `ticket` holds its claims)
// the socket is that participant's presence beacon (open = join, close or silence = leave), and
// nothing else. Otherwise (a platform token): with &participant=ID a beacon, without it a
// platform bridge sending batches of joins and leaves.
boost::asio::awaitable<void> run_online(WebSocket& ws, const EventInfo& event,
                                        services::wire::Encoding encoding,
                                        const boost::urls::params_view& params,
                                        const Context& context,
                                        const v1::BeaconTicket* ticket = nullptr);

}  // namespace rollcall::gateway::server
