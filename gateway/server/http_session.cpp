#include "gateway/server/http_session.h"

#include <array>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <boost/url/parse.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/server/export_route.h"
#include "gateway/server/flex_stream.h"
#include "gateway/server/http_framing.h"
#include "gateway/server/http_routes.h"
#include "gateway/server/request_auth.h"
#include "gateway/server/routes.h"
#include "gateway/server/session_end.h"
#include "gateway/server/websocket_session.h"
#include "services/registry/utf8.h"

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
  auto [ec, written] = co_await asio::async_write(tcp, asio::buffer(response), use_tuple);
  if (ec) co_return;
  tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  // Read what the client still sends until it hangs up (the handshake timer bounds this):
  // closing with its request unread would reset the connection, and could destroy the answer.
  std::array<char, 1024> sink;
  for (;;) {
    auto [read_ec, n] = co_await tcp.async_read_some(asio::buffer(sink), use_tuple);
    if (read_ec) co_return;
  }
}

// The server side of the TLS handshake, bounded in time as a whole (a peer that trickles its
// ClientHello or never finishes is cut off). Null when it failed; the failure is counted.
asio::awaitable<std::optional<FlexStream>> accept_tls(beast::tcp_stream tcp,
                                                      beast::flat_buffer& buffer,
                                                      const Context& context) {
  tcp.expires_after(context.limits.tls_handshake_timeout);
  auto [detect_ec, is_tls] = co_await beast::async_detect_ssl(tcp, buffer, use_tuple);
  if (detect_ec || !is_tls) {
    context.metrics->count_limit_rejection("tls_handshake");
    if (!detect_ec) co_await refuse_plaintext(tcp);
    co_return std::nullopt;
  }
  FlexStream::TlsStream tls(std::move(tcp), *context.tls);
  auto [ec, used] =
      co_await tls.async_handshake(asio::ssl::stream_base::server, buffer.data(), use_tuple);
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

constexpr std::size_t kHeaderLimit = 16 * 1024;

// Reads until `buffer` holds a whole request header (through its blank line), so that its raw
// bytes can be checked before anything interprets them. Returns the header's size; errors
// end_of_stream (the client closed between requests), header_limit, partial_message (closed
// within a header), or the stream's own.
asio::awaitable<std::tuple<beast::error_code, std::size_t>> read_header_bytes(
    FlexStream& stream, beast::flat_buffer& buffer) {
  std::size_t searched = 0;
  for (;;) {
    const std::string_view data(static_cast<const char*>(buffer.data().data()), buffer.size());
    if (const auto end = data.find("\r\n\r\n", searched); end != std::string_view::npos) {
      co_return std::tuple{beast::error_code{}, end + 4};
    }
    if (data.size() >= kHeaderLimit) co_return std::tuple{http::error::header_limit, 0};
    searched = data.size() < 3 ? 0 : data.size() - 3;
    auto [ec, n] = co_await stream.async_read_some(buffer.prepare(kHeaderLimit), use_tuple);
    if (ec == asio::error::eof) {
      co_return std::tuple{beast::error_code(buffer.size() == 0 ? http::error::end_of_stream
                                                                : http::error::partial_message),
                           0};
    }
    if (ec) co_return std::tuple{ec, 0};
    buffer.commit(n);
  }
}

// Answers a request that cannot be served (nor anything after it on this connection) and ends
// the connection. What the client still sends is read and dropped until it hangs up (bounded in
// time and bytes): closing with bytes unread would reset the connection, which can destroy the
// answer before the client reads it.
asio::awaitable<void> refuse_and_close(FlexStream& stream, http::status status, std::string code,
                                       std::string message) {
  Request request;
  request.version(11);
  auto response = error_response(request, status, std::move(code), std::move(message));
  response.keep_alive(false);
  auto& tcp = beast::get_lowest_layer(stream);
  tcp.expires_after(std::chrono::seconds(5));
  auto [ec, written] = co_await http::async_write(stream, response, use_tuple);
  if (ec) co_return;
  if (stream.is_tls()) {
    co_await stream.async_shutdown();
    co_return;
  }
  tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  tcp.expires_after(std::chrono::seconds(2));
  std::array<char, 4096> sink;
  for (std::size_t dropped = 0; dropped < 1024 * 1024;) {
    auto [read_ec, n] = co_await tcp.async_read_some(asio::buffer(sink), use_tuple);
    if (read_ec) co_return;
    dropped += n;
  }
}

}  // namespace

asio::awaitable<void> run_http_session(asio::ip::tcp::socket socket,
                                       std::shared_ptr<const Context> context,
                                       std::unique_ptr<ConnectionLimits::Slot> slot) {
  ChannelGauge gauge(*context->metrics, Channel::http);
  beast::flat_buffer buffer;
  auto flex = co_await open_stream(std::move(socket), buffer, *context);
  if (!flex) co_return;
  FlexStream& stream = *flex;
  auto& tcp = beast::get_lowest_layer(stream);
  for (;;) {
    tcp.expires_after(std::chrono::seconds(30));
    auto [header_ec, header_size] = co_await read_header_bytes(stream, buffer);
    if (header_ec == http::error::end_of_stream) {
      co_await stream.async_shutdown();
      co_return;
    }
    if (header_ec == http::error::header_limit) {
      co_return co_await refuse_and_close(stream, http::status::payload_too_large, "too_large",
                                          "the request is larger than this server accepts");
    }
    if (header_ec) co_return;
    // Checked on the bytes as sent, before the parser normalises anything away.
    if (const auto problem = framing_problem(
            std::string_view(static_cast<const char*>(buffer.data().data()), header_size));
        !problem.empty()) {
      context->metrics->count_http_refusal("framing");
      spdlog::info("HTTP request refused: {}", problem);
      co_return co_await refuse_and_close(stream, http::status::bad_request, "bad_framing",
                                          "the request's length is ambiguous: " + problem);
    }

    http::request_parser<http::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(context->limits.max_request_body);
    auto [ec, bytes] = co_await http::async_read(stream, buffer, parser, use_tuple);
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      co_return co_await refuse_and_close(stream, http::status::payload_too_large, "too_large",
                                          "the request is larger than this server accepts");
    }
    if (ec && ec.category() == beast::error_code(http::error::bad_target).category() &&
        ec != http::error::partial_message && ec != http::error::end_of_stream) {
      // Whatever follows a request the parser cannot read is no request either.
      spdlog::debug("HTTP request refused: {}", ec.message());
      co_return co_await refuse_and_close(stream, http::status::bad_request, "bad_request",
                                          "malformed HTTP request: " + ec.message());
    }
    if (ec) co_return;

    auto request = parser.release();
    if (beast::websocket::is_upgrade(request)) {
      tcp.expires_never();  // the WebSocket sets its own timeouts
      // What came with the request (a client that did not wait for the 101) is its first frames.
      stream.give_back({static_cast<const char*>(buffer.data().data()), buffer.size()});
      // The upgrade runs on its own: this session's buffer, parser and frame are freed now
      // rather than held under every WebSocket for its lifetime.
      const auto executor = stream.get_executor();
      asio::co_spawn(executor,
                     run_websocket(std::move(stream), std::move(request), context, std::move(slot)),
                     SessionEnd(context->metrics, "upgrade"));
      co_return;
    }
    const bool keep_alive = request.keep_alive();
    const auto url = boost::urls::parse_origin_form(request.target());
    auto lookup = url ? find_route(request.method_string(), RouteKind::http, *url) : RouteLookup{};
    std::optional<http::message_generator> response;
    if (!url) {
      response.emplace(error_response(request, http::status::bad_request, "bad_target",
                                      "the request target is not a valid path"));
    } else if (!lookup.match) {
      response.emplace(
          lookup.other_method
              ? error_response(request, http::status::method_not_allowed, "method_not_allowed",
                               "this path does not take " +
                                   services::registry::quote_input(request.method_string()))
              : error_response(request, http::status::not_found, "not_found", "no such resource"));
    } else if (const auto& route = *lookup.match; route.route->guard == Guard::token) {
      const auto decision =
          co_await authorize(request, *context, route.event_id, route.route->access);
      if (!decision.allowed) response.emplace(refusal_response(request, decision));
    }
    if (!response) {
      auto& route = *lookup.match;
      // Exports and the log stream out as they are read: they write to the stream themselves.
      if (route.route->id == RouteId::export_file) {
        co_await serve_export(stream, request, *context, route.event_id, route.file);
      } else if (route.route->id == RouteId::rejected_scans) {
        co_await serve_rejected_scans(stream, request, *context, route.event_id);
      } else {
        response.emplace(co_await answer_http(std::move(request), std::move(route), context));
      }
      if (!response) {
        if (!keep_alive || !tcp.socket().is_open()) co_return;
        continue;
      }
    }
    auto [write_ec, written] = co_await beast::async_write(stream, std::move(*response), use_tuple);
    if (write_ec) co_return;
    if (!keep_alive) {
      co_await stream.async_shutdown();
      co_return;
    }
  }
}

}  // namespace rollcall::gateway::server
