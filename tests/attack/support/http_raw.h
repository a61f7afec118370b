#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rollcall::tests::attack::web {

// One HTTP response as it came off the wire.
struct RawResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // chunked bodies decoded

  // The first header of that name (any case), "" when absent.
  std::string header(std::string_view name) const;
};

// Everything a server sent back on one connection.
struct RawExchange {
  std::vector<RawResponse> responses;  // every complete response, in order
  bool closed = false;                 // the server closed (or reset) the connection in time
  std::string trailing;                // bytes after the last complete response
};

// Sends `bytes` exactly as given (no normalisation of any kind: targets, headers, framing are
// the caller's) on a new connection to host:port, then reads until the server closes the
// connection or `limit` has passed, and splits what came back into responses.
RawExchange raw_exchange(const std::string& host, unsigned short port, std::string_view bytes,
                         std::chrono::milliseconds limit = std::chrono::seconds(5));

// "GET <target> HTTP/1.1" with Host, Connection: close and, when `token` is not empty,
// Authorization: Bearer; the target's bytes go out as they are. The first response, or one with
// status 0 when none came.
RawResponse raw_get(const std::string& host, unsigned short port, std::string_view target,
                    std::string_view token = {},
                    std::chrono::milliseconds limit = std::chrono::seconds(5));

// Splits a byte stream into the responses it holds; *rest gets what follows the last one.
std::vector<RawResponse> parse_responses(std::string_view stream, std::string* rest = nullptr);

}  // namespace rollcall::tests::attack::web
