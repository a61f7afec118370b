#pragma once

#include <memory>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "gateway/io_pool.h"
#include "gateway/server/context.h"

namespace rollcall::gateway::server {

// Accepts connections for as long as the acceptor is open; each lives on the pool's next
// io_context, whose one thread runs all its handlers.
boost::asio::awaitable<void> listen(boost::asio::ip::tcp::acceptor& acceptor, IoPool& pool,
                                    std::shared_ptr<const Context> context);

}  // namespace rollcall::gateway::server
