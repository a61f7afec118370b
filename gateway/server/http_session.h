#pragma once

#include <memory>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "gateway/server/context.h"

namespace rollcall::gateway::server {

// Serves HTTP/1.1 requests on one connection until it closes or upgrades to a WebSocket.
// `slot` is the connection's place under the connection limits, given back when it ends.
boost::asio::awaitable<void> run_http_session(boost::asio::ip::tcp::socket socket,
                                              std::shared_ptr<const Context> context,
                                              std::unique_ptr<ConnectionLimits::Slot> slot);

}  // namespace rollcall::gateway::server
