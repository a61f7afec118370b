#include "gateway/server/http_session.h"

#include <array>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <boost/url/parse.hpp>

#include "gateway/server/export_route.h"
#include "gateway/server/flex_stream.h"
#include "gateway/server/http_routes.h"
#include "gateway/server/request_auth.h"
#include "gateway/server/websocket_session.h"

namespace rollcall::gateway::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// A client that speaks plain HTTP to the TLS port is told so in plain HTTP (what it can read),
// then closed; nothing else is served without TLS.
asio::awaitable<void> refuse_plaintext(beast::tcp_stream& tcp) {
  const std::string body =
      R"({"code":"tls_required","message":"this server speaks https and wss only"})";
  const std::string response =
      "HTTP/1.1 400 Bad Request\r\nServer: rollcall\r\nContent-Type: application/json\r\n"
      "Connection: close\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  auto [ec, written] =
      co_await asio::async_write(tcp, asio::buffer(response), asio::as_tuple(asio::use_awaitable));
  if (ec) co_return;
  tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  // Read what the client still sends until it hangs up (the handshake timer bounds this):
  // closing with its request unread would reset the connection, and could destroy the answer.
  std::array<char, 1024> sink;
  for (;;) {
    auto [read_ec, n] =
        co_await tcp.async_read_some(asio::buffer(sink), asio::as_tuple(asio::use_awaitable));
    if (read_ec) co_return;
  }
}

// The server side of the TLS handshake, bounded in time as a whole (a peer that trickles its
// ClientHello or never finishes is cut off). Null when it failed; the failure is counted.
asio::awaitable<std::optional<FlexStream>> accept_tls(beast::tcp_stream tcp,
                                                      beast::flat_buffer& buffer,
                                                      const Context& context) {
  tcp.expires_after(context.limits.tls_handshake_timeout);
  auto [detect_ec, is_tls] =
      co_await beast::async_detect_ssl(tcp, buffer, asio::as_tuple(asio::use_awaitable));
  if (detect_ec || !is_tls) {
    context.metrics->count_limit_rejection("tls_handshake");
    if (!detect_ec) co_await refuse_plaintext(tcp);
    co_return std::nullopt;
  }
  FlexStream::TlsStream tls(std::move(tcp), *context.tls);
  auto [ec, used] = co_await tls.async_handshake(asio::ssl::stream_base::server, buffer.data(),
                                                 asio::as_tuple(asio::use_awaitable));
  if (ec) {
    context.metrics->count_limit_rejection("tls_handshake");
    spdlog::debug("TLS handshake failed: {}", ec.message());
    beast::error_code ignored;
    beast::get_lowest_layer(tls).socket().close(ignored);
    co_return std::nullopt;
  }
  buffer.consume(used);
  co_return FlexStream(std::move(tls));
}

// The connection as the sessions use it: TLS when the gateway has a certificate, else plain.
asio::awaitable<std::optional<FlexStream>> open_stream(asio::ip::tcp::socket socket,
                                                       beast::flat_buffer& buffer,
                                                       const Context& context) {
  if (context.tls) {
    co_return co_await accept_tls(beast::tcp_stream(std::move(socket)), buffer, context);
  }
  co_return FlexStream(beast::tcp_stream(std::move(socket)));
}

}  // namespace

asio::awaitable<void> run_http_session(asio::ip::tcp::socket socket,
                                       std::shared_ptr<const Context> context,
                                       std::unique_ptr<ConnectionLimits::Slot> slot) {
  std::optional<ChannelGauge> gauge;
  gauge.emplace(*context->metrics, Channel::http);
  beast::flat_buffer buffer;
  auto flex = co_await open_stream(std::move(socket), buffer, *context);
  if (!flex) co_return;
  FlexStream& stream = *flex;
  auto& tcp = beast::get_lowest_layer(stream);
  for (;;) {
    tcp.expires_after(std::chrono::seconds(30));
    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(context->limits.max_request_body);
    auto [ec, bytes] =
        co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    if (ec == http::error::end_of_stream) {
      co_await stream.async_shutdown();
      co_return;
    }
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      Request request;
      request.version(11);
      auto response = error_response(request, http::status::payload_too_large, "too_large",
                                     "the request is larger than this server accepts");
      response.keep_alive(false);
      co_await http::async_write(stream, response, asio::as_tuple(asio::use_awaitable));
      co_return;
    }
    if (ec) co_return;

    auto request = parser.release();
    if (beast::websocket::is_upgrade(request)) {
      tcp.expires_never();  // the WebSocket sets its own timeouts
      gauge.reset();        // counted in its channel from here on
      co_await run_websocket(std::move(stream), std::move(request), context);
      co_return;
    }
    const bool keep_alive = request.keep_alive();
    // Exports and the log stream out as they are read: they write to the stream themselves.
    if (request.method() == http::verb::get) {
      const auto url = boost::urls::parse_origin_form(request.target());
      if (const auto route = url ? match_log_route(url->path()) : std::nullopt) {
        const auto access = route->kind == LogRoute::Kind::export_file
                                ? services::auth::Access::export_data
                                : services::auth::Access::read_attendee_log;
        const auto decision = co_await authorize(request, *context, route->event_id, access);
        if (!decision.allowed) {
          auto refusal = refusal_response(request, decision);
          auto [write_ec, written] =
              co_await http::async_write(stream, refusal, asio::as_tuple(asio::use_awaitable));
          if (write_ec || !keep_alive) co_return;
          continue;
        }
        if (route->kind == LogRoute::Kind::export_file) {
          co_await serve_export(stream, request, *context, route->event_id, route->file);
        } else {
          co_await serve_rejected_scans(stream, request, *context, route->event_id);
        }
        if (!keep_alive || !tcp.socket().is_open()) co_return;
        continue;
      }
    }
    auto response = co_await answer_http(std::move(request), context);
    auto [write_ec, written] = co_await beast::async_write(stream, std::move(response),
                                                           asio::as_tuple(asio::use_awaitable));
    if (write_ec) co_return;
    if (!keep_alive) {
      co_await stream.async_shutdown();
      co_return;
    }
  }
}

}  // namespace rollcall::gateway::server
