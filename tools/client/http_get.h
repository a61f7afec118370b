#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

struct ssl_st;  // OpenSSL's SSL

namespace boost::asio::ssl {
class context;
}

namespace rollcall::tools::client {

struct HttpResponse {
  int status = 0;
  std::string content_type;
  std::string body;
};

// One HTTP/1.1 GET (Connection: close), for tests and scripts. Throws on connection failure,
// and TimeoutError when the whole exchange takes longer than `timeout`.
HttpResponse http_get(const std::string& host, unsigned short port, const std::string& target,
                      std::chrono::milliseconds timeout = std::chrono::seconds(5));

using Headers = std::vector<std::pair<std::string, std::string>>;

// The same with extra headers, e.g. bearer(token).
HttpResponse http_get(const std::string& host, unsigned short port, const std::string& target,
                      const Headers& headers,
                      std::chrono::milliseconds timeout = std::chrono::seconds(5));

// TLS as a client sees it: the server's certificate must chain to a trusted CA and name the host
// connected to (a DNS name or an IP address); TLS 1.2 or later.
struct TlsOptions {
  std::string ca_file;  // PEM file of the CAs to trust; empty: the system's trust store
};

// The same over TLS (https). A server whose certificate does not verify fails the handshake:
// std::runtime_error.
HttpResponse https_get(const std::string& host, unsigned short port, const std::string& target,
                       const Headers& headers, const TlsOptions& tls,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5));
HttpResponse https_post(const std::string& host, unsigned short port, const std::string& target,
                        const std::string& body, const Headers& headers, const TlsOptions& tls,
                        std::chrono::milliseconds timeout = std::chrono::seconds(5));

// The client TLS context for `tls` (throws std::runtime_error when the CA file cannot be read),
// and the per-connection part: SNI and the name or address the certificate must carry.
std::shared_ptr<boost::asio::ssl::context> client_tls_context(const TlsOptions& tls);
void expect_tls_peer(ssl_st* ssl, const std::string& host);

// {"Authorization", "Bearer TOKEN"}
Headers bearer(const std::string& token);

// One HTTP/1.1 POST of a JSON body with extra headers (webhook signatures, say); as http_get.
HttpResponse http_post(const std::string& host, unsigned short port, const std::string& target,
                       const std::string& body, const Headers& headers = {},
                       std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace rollcall::tools::client
