#pragma once

#include <memory>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "gateway/server/context.h"

namespace rollcall::gateway::server {

// Accepts connections for as long as the acceptor is open; each gets its own strand.
boost::asio::awaitable<void> listen(boost::asio::ip::tcp::acceptor& acceptor,
                                    std::shared_ptr<const Context> context);

}  // namespace rollcall::gateway::server
