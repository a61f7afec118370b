#pragma once

#include <memory>

#include <boost/asio/awaitable.hpp>

#include "gateway/server/context.h"
#include "gateway/server/flex_stream.h"
#include "gateway/server/http_routes.h"

namespace rollcall::gateway::server {

// Completes a WebSocket upgrade on /v1/desk, /v1/online or /v1/display (?event=EVENT) and starts
// the channel's session, which holds `slot` until it ends. Requests that cannot become a channel
// get an HTTP error instead of the upgrade.
boost::asio::awaitable<void> run_websocket(FlexStream stream, Request request,
                                           std::shared_ptr<const Context> context,
                                           std::unique_ptr<ConnectionLimits::Slot> slot);

}  // namespace rollcall::gateway::server
