#pragma once

#include <cstddef>
#include <optional>
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/teardown.hpp>

namespace rollcall::gateway::server {

// A connection's bytes: plain TCP, or TLS over TCP when the gateway has a certificate. The
// sessions are written once against this type and each read or write picks its layer with one
// branch, so no session code is duplicated or moved into headers as templates.
// get_lowest_layer() reaches the tcp_stream either way (timeouts, closing the socket).
class FlexStream {
 public:
  using executor_type = boost::beast::tcp_stream::executor_type;
  using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

  explicit FlexStream(boost::beast::tcp_stream plain) : plain_(std::move(plain)) {}
  explicit FlexStream(TlsStream tls) : tls_(std::move(tls)) {}
  FlexStream(FlexStream&&) = default;

  executor_type get_executor() { return next_layer().get_executor(); }
  boost::beast::tcp_stream& next_layer() { return tls_ ? tls_->next_layer() : *plain_; }
  const boost::beast::tcp_stream& next_layer() const { return tls_ ? tls_->next_layer() : *plain_; }
  bool is_tls() const { return tls_.has_value(); }
  TlsStream* tls() { return tls_ ? &*tls_ : nullptr; }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::beast::error_code, std::size_t)>(
        [this](auto handler, const MutableBuffers& buffers) {
          if (tls_) {
            tls_->async_read_some(buffers, std::move(handler));
          } else {
            plain_->async_read_some(buffers, std::move(handler));
          }
        },
        token, buffers);
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::beast::error_code, std::size_t)>(
        [this](auto handler, const ConstBuffers& buffers) {
          if (tls_) {
            tls_->async_write_some(buffers, std::move(handler));
          } else {
            plain_->async_write_some(buffers, std::move(handler));
          }
        },
        token, buffers);
  }

  // Ends the connection politely: TLS close_notify (bounded in time), or a TCP half-close.
  boost::asio::awaitable<void> async_shutdown();

 private:
  std::optional<boost::beast::tcp_stream> plain_;
  std::optional<TlsStream> tls_;
};

// For websocket::stream<FlexStream>: closing a WebSocket tears down whichever layer it runs on.
void teardown(boost::beast::role_type role, FlexStream& stream, boost::beast::error_code& ec);

template <class TeardownHandler>
void async_teardown(boost::beast::role_type role, FlexStream& stream, TeardownHandler&& handler) {
  using boost::beast::websocket::async_teardown;
  if (auto* tls = stream.tls()) {
    async_teardown(role, *tls, std::forward<TeardownHandler>(handler));
  } else {
    async_teardown(role, stream.next_layer(), std::forward<TeardownHandler>(handler));
  }
}

}  // namespace rollcall::gateway::server
