#pragma once

#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "gateway/server/context.h"
#include "gateway/server/http_routes.h"
#include "services/auth/access.h"

namespace rollcall::gateway::server {

// The token a client presented: "Authorization: Bearer T", or for browsers' WebSockets the
// subprotocol "rollcall.token.T". Empty when none.
std::string presented_token(const Request& request);

// Checks `token` (presented_token, hashed once: desks and bridges check theirs on every frame)
// for `access` to `event_id`. Counts refusals in `metrics`.
boost::asio::awaitable<TokenDirectory::Decision> authorize(TokenDirectory::Presented token,
                                                           TokenDirectory& tokens, Metrics& metrics,
                                                           std::string event_id,
                                                           services::auth::Access access);

// The same for the token the request presents.
boost::asio::awaitable<TokenDirectory::Decision> authorize(const Request& request,
                                                           const Context& context,
                                                           std::string event_id,
                                                           services::auth::Access access);

// The HTTP answer to a refused decision: 401 (no valid token), 403 (role may not), 503.
boost::beast::http::response<boost::beast::http::string_body> refusal_response(
    const Request& request, const TokenDirectory::Decision& decision);

// Close codes for a refused WebSocket, for browsers that cannot see the HTTP status of an upgrade:
// 4401 no valid token, 4403 role may not, 1013 try again later.
boost::beast::websocket::close_reason refusal_close(const TokenDirectory::Decision& decision);

}  // namespace rollcall::gateway::server
