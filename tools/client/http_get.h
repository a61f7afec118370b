#pragma once

#include <chrono>
#include <string>

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

}  // namespace rollcall::tools::client
