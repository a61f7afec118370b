#include "gateway/server/listener.h"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/server/http_session.h"
#include "gateway/server/session_end.h"

namespace rollcall::gateway::server {

namespace asio = boost::asio;

namespace {

// Over capacity: say so in plain HTTP (a WebSocket client sees the status of its upgrade) and
// close, without reading the request.
asio::awaitable<void> turn_away(asio::ip::tcp::socket socket, std::string limit) {
  const std::string body = R"({"code":"over_capacity","message":"too many connections ()" + limit +
                           R"(), try again shortly"})";
  const std::string response =
      "HTTP/1.1 503 Service Unavailable\r\nServer: rollcall\r\nRetry-After: 2\r\n"
      "Content-Type: application/json\r\nConnection: close\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  co_await asio::async_write(socket, asio::buffer(response), use_tuple);
  boost::system::error_code ignored;
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
}

}  // namespace

asio::awaitable<void> listen(asio::ip::tcp::acceptor& acceptor, IoPool& pool,
                             std::shared_ptr<const Context> context) {
  for (;;) {
    auto home = pool.next();
    auto [ec, socket] = co_await acceptor.async_accept(home, use_tuple);
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      // Out of file descriptors and the like: keep serving the connections we have.
      spdlog::warn("accept failed: {}", ec.message());
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    // Results and display updates are small and latency-bound: never wait for Nagle.
    socket.set_option(asio::ip::tcp::no_delay(true), ec);
    const auto peer = socket.remote_endpoint(ec);
    if (ec) continue;  // already gone
    std::string refused;
    auto slot = context->connection_limits->admit(peer.address(), &refused);
    if (!slot) {
      context->metrics->count_limit_rejection(refused);
      // Over TLS the answer would cost a handshake, the very work an overloaded gateway must
      // shed: the client just sees the connection close.
      if (!context->tls) {
        asio::co_spawn(home, turn_away(std::move(socket), refused),
                       SessionEnd(context->metrics, "http"));
      }
      continue;
    }
    asio::co_spawn(home, run_http_session(std::move(socket), context, std::move(slot)),
                   SessionEnd(context->metrics, "http"));
  }
}

}  // namespace rollcall::gateway::server
