#include "tools/client/http_get.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <functional>
#include <stdexcept>

#include "tools/client/errors.h"

namespace rollcall::tools::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// Plain TCP: nothing between connecting and the request.
void start_session(beast::tcp_stream&, const std::string&, std::function<void()> then,
                   std::function<void(beast::error_code)>) {
  then();
}

void start_session(beast::ssl_stream<beast::tcp_stream>& stream, const std::string& host,
                   std::function<void()> then, std::function<void(beast::error_code)> fail) {
  expect_tls_peer(stream.native_handle(), host);
  stream.async_handshake(asio::ssl::stream_base::client,
                         [then = std::move(then), fail = std::move(fail)](beast::error_code ec) {
                           if (ec) {
                             fail(ec);
                           } else {
                             then();
                           }
                         });
}

// One request, one response, Connection: close. Beast's stream timeouts apply to asynchronous
// operations only, hence the async chain.
template <class Stream>
HttpResponse exchange(asio::io_context& ioc, Stream& stream, const std::string& host,
                      unsigned short port, http::request<http::string_body>& request,
                      std::chrono::milliseconds timeout) {
  beast::get_lowest_layer(stream).expires_after(timeout);
  auto endpoints = asio::ip::tcp::resolver(ioc).resolve(host, std::to_string(port));

  request.set(http::field::host, host + ":" + std::to_string(port));
  request.set(http::field::user_agent, "rollcall-client");
  request.set(http::field::connection, "close");
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  beast::error_code failure;

  auto fail = [&](beast::error_code ec) { failure = ec; };
  auto send = [&] {
    http::async_write(stream, request, [&](beast::error_code ec, std::size_t) {
      if (ec) {
        failure = ec;
        return;
      }
      http::async_read(stream, buffer, response,
                       [&](beast::error_code ec, std::size_t) { failure = ec; });
    });
  };
  beast::get_lowest_layer(stream).async_connect(
      endpoints, [&](beast::error_code ec, const asio::ip::tcp::endpoint&) {
        if (ec) {
          failure = ec;
          return;
        }
        start_session(stream, host, send, fail);
      });
  ioc.run();
  const std::string what =
      "http " + std::string(request.method_string()) + " " + std::string(request.target());
  if (failure == beast::error::timeout) throw TimeoutError(what + " timed out");
  if (failure) throw std::runtime_error(what + ": " + failure.message());

  beast::error_code ignored;
  beast::get_lowest_layer(stream).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  return HttpResponse{static_cast<int>(response.result_int()),
                      std::string(response[http::field::content_type]), response.body()};
}

HttpResponse exchange(const std::string& host, unsigned short port,
                      http::request<http::string_body>& request,
                      std::chrono::milliseconds timeout) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  return exchange(ioc, stream, host, port, request, timeout);
}

HttpResponse exchange(const std::string& host, unsigned short port,
                      http::request<http::string_body>& request, const TlsOptions& tls,
                      std::chrono::milliseconds timeout) {
  const auto context = client_tls_context(tls);
  asio::io_context ioc;
  beast::ssl_stream<beast::tcp_stream> stream(ioc, *context);
  return exchange(ioc, stream, host, port, request, timeout);
}

http::request<http::string_body> json_post(const std::string& target, const std::string& body,
                                           const Headers& headers) {
  http::request<http::string_body> request{http::verb::post, target, 11};
  request.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();
  return request;
}

}  // namespace

std::shared_ptr<asio::ssl::context> client_tls_context(const TlsOptions& tls) {
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  boost::system::error_code ec;
  if (tls.ca_file.empty()) {
    context->set_default_verify_paths(ec);
  } else {
    context->load_verify_file(tls.ca_file, ec);
  }
  if (ec) throw std::runtime_error("TLS trust store " + tls.ca_file + ": " + ec.message());
  context->set_verify_mode(asio::ssl::verify_peer);
  return context;
}

void expect_tls_peer(ssl_st* ssl, const std::string& host) {
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  if (!ec) {
    // An address is matched against the certificate's IP SANs; SNI carries names only.
    X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
    return;
  }
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  SSL_set_tlsext_host_name(ssl, host.c_str());
}

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

HttpResponse https_get(const std::string& host, unsigned short port, const std::string& target,
                       const Headers& headers, const TlsOptions& tls,
                       std::chrono::milliseconds timeout) {
  http::request<http::string_body> request{http::verb::get, target, 11};
  for (const auto& [name, value] : headers) request.set(name, value);
  return exchange(host, port, request, tls, timeout);
}

HttpResponse https_post(const std::string& host, unsigned short port, const std::string& target,
                        const std::string& body, const Headers& headers, const TlsOptions& tls,
                        std::chrono::milliseconds timeout) {
  auto request = json_post(target, body, headers);
  return exchange(host, port, request, tls, timeout);
}

Headers bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

HttpResponse http_post(const std::string& host, unsigned short port, const std::string& target,
                       const std::string& body, const Headers& headers,
                       std::chrono::milliseconds timeout) {
  auto request = json_post(target, body, headers);
  return exchange(host, port, request, timeout);
}

}  // namespace rollcall::tools::client
