#include "gateway/server/flex_stream.h"

#include "gateway/asio_tokens.h"

#include <chrono>

#include <boost/asio/use_awaitable.hpp>

namespace rollcall::gateway::server {

namespace asio = boost::asio;
namespace beast = boost::beast;

asio::awaitable<void> FlexStream::async_shutdown() {
  auto& tcp = next_layer();
  beast::error_code ec;
  if (tls_) {
    // A peer that never answers our close_notify must not hold the session.
    tcp.expires_after(std::chrono::seconds(5));
    co_await tls_->async_shutdown(use_tuple);
    tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    tcp.socket().close(ec);
    co_return;
  }
  tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

void teardown(beast::role_type role, FlexStream& stream, beast::error_code& ec) {
  using beast::websocket::teardown;
  if (auto* tls = stream.tls()) {
    teardown(role, *tls, ec);
  } else {
    teardown(role, stream.next_layer(), ec);
  }
}

}  // namespace rollcall::gateway::server
