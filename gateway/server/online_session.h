#pragma once

#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/url/params_view.hpp>

#include "gateway/server/context.h"
#include "gateway/server/flex_stream.h"

namespace rollcall::gateway::server {

using WebSocket = boost::beast::websocket::stream<FlexStream>;

// GET /v1/online?event=E. With &participant=ID the socket is a presence beacon (open = join,
// close or silence = leave); without it, a platform bridge sending batches of joins and leaves.
boost::asio::awaitable<void> run_online(WebSocket& ws, const EventInfo& event,
                                        services::wire::Encoding encoding,
                                        const boost::urls::params_view& params,
                                        const Context& context);

}  // namespace rollcall::gateway::server
