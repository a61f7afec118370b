#include "tools/client/http_get.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <stdexcept>

#include "tools/client/errors.h"

namespace rollcall::tools::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// One request, one response, Connection: close. Beast's stream timeouts apply to asynchronous
// operations only, hence the async chain.
HttpResponse exchange(const std::string& host, unsigned short port,
                      http::request<http::string_body>& request,
                      std::chrono::milliseconds timeout) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(timeout);
  auto endpoints = asio::ip::tcp::resolver(ioc).resolve(host, std::to_string(port));

  request.set(http::field::host, host + ":" + std::to_string(port));
  request.set(http::field::user_agent, "rollcall-client");
  request.set(http::field::connection, "close");
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  beast::error_code failure;

  stream.async_connect(endpoints, [&](beast::error_code ec, const asio::ip::tcp::endpoint&) {
    if (ec) {
      failure = ec;
      return;
    }
    http::async_write(stream, request, [&](beast::error_code ec, std::size_t) {
      if (ec) {
        failure = ec;
        return;
      }
      http::async_read(stream, buffer, response,
                       [&](beast::error_code ec, std::size_t) { failure = ec; });
    });
  });
  ioc.run();
  const std::string what =
      "http " + std::string(request.method_string()) + " " + std::string(request.target());
  if (failure == beast::error::timeout) throw TimeoutError(what + " timed out");
  if (failure) throw std::runtime_error(what + ": " + failure.message());

  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  return HttpResponse{static_cast<int>(response.result_int()),
                      std::string(response[http::field::content_type]), response.body()};
}

}  // namespace

HttpResponse http_get(const std::string& host, unsigned short port, const std::string& target,
                      std::chrono::milliseconds timeout) {
  return http_get(host, port, target, Headers{}, timeout);
}

HttpResponse http_get(const std::string& host, unsigned short port, const std::string& target,
                      const Headers& headers, std::chrono::milliseconds timeout) {
  http::request<http::string_body> request{http::verb::get, target, 11};
  for (const auto& [name, value] : headers) request.set(name, value);
  return exchange(host, port, request, timeout);
}

Headers bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

HttpResponse http_post(const std::string& host, unsigned short port, const std::string& target,
                       const std::string& body, const Headers& headers,
                       std::chrono::milliseconds timeout) {
  http::request<http::string_body> request{http::verb::post, target, 11};
  request.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();
  return exchange(host, port, request, timeout);
}

}  // namespace rollcall::tools::client
