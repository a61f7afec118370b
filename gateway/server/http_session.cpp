#include "gateway/server/http_session.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <boost/url/parse.hpp>

#include "gateway/server/export_route.h"
#include "gateway/server/http_routes.h"
#include "gateway/server/request_auth.h"
#include "gateway/server/websocket_session.h"

namespace rollcall::gateway::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

asio::awaitable<void> run_http_session(asio::ip::tcp::socket socket,
                                       std::shared_ptr<const Context> context,
                                       std::unique_ptr<ConnectionLimits::Slot> slot) {
  std::optional<ChannelGauge> gauge;
  gauge.emplace(*context->metrics, Channel::http);
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    stream.expires_after(std::chrono::seconds(30));
    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(context->limits.max_request_body);
    auto [ec, bytes] =
        co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    if (ec == http::error::end_of_stream) {
      stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
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
      stream.expires_never();  // the WebSocket sets its own timeouts
      gauge.reset();           // counted in its channel from here on
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
        if (!keep_alive || !stream.socket().is_open()) co_return;
        continue;
      }
    }
    auto response = co_await answer_http(std::move(request), context);
    auto [write_ec, written] = co_await beast::async_write(stream, std::move(response),
                                                           asio::as_tuple(asio::use_awaitable));
    if (write_ec || !keep_alive) {
      stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, write_ec);
      co_return;
    }
  }
}

}  // namespace rollcall::gateway::server
