#include "gateway/server/listener.h"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/server/http_session.h"

namespace rollcall::gateway::server {

namespace asio = boost::asio;

asio::awaitable<void> listen(asio::ip::tcp::acceptor& acceptor,
                             std::shared_ptr<const Context> context) {
  for (;;) {
    auto strand = asio::make_strand(acceptor.get_executor());
    auto [ec, socket] = co_await acceptor.async_accept(strand, asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      // Out of file descriptors and the like: keep serving the connections we have.
      spdlog::warn("accept failed: {}", ec.message());
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    // Results and display updates are small and latency-bound: never wait for Nagle.
    socket.set_option(asio::ip::tcp::no_delay(true), ec);
    asio::co_spawn(strand, run_http_session(std::move(socket), context), asio::detached);
  }
}

}  // namespace rollcall::gateway::server
