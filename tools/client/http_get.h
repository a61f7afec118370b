#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

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

// {"Authorization", "Bearer TOKEN"}
Headers bearer(const std::string& token);

// One HTTP/1.1 POST of a JSON body with extra headers (webhook signatures, say); as http_get.
HttpResponse http_post(const std::string& host, unsigned short port, const std::string& target,
                       const std::string& body, const Headers& headers = {},
                       std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace rollcall::tools::client
