#include "tests/attack/support/http_raw.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>

#include <boost/algorithm/string/predicate.hpp>

namespace rollcall::tests::attack::web {
namespace {

using Clock = std::chrono::steady_clock;

int connect_to(const std::string& host, unsigned short port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) {
    throw std::runtime_error("cannot resolve " + host);
  }
  int fd = -1;
  for (auto* a = found; a; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd >= 0 && ::connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(found);
  if (fd < 0) throw std::runtime_error("cannot connect to " + host + ":" + std::to_string(port));
  return fd;
}

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<long long>(0, left.count()));
}

// One response at the front of `stream`: its size, or 0 when it is not complete yet.
// `until_close`: a response without a length runs to the end of the connection.
std::size_t parse_one(std::string_view stream, bool until_close, RawResponse* out) {
  const auto head_end = stream.find("\r\n\r\n");
  if (head_end == std::string_view::npos || !stream.starts_with("HTTP/")) return 0;
  RawResponse response;
  auto head = stream.substr(0, head_end + 2);
  const auto status_line = head.substr(0, head.find("\r\n"));
  const auto space = status_line.find(' ');
  if (space == std::string_view::npos) return 0;
  response.status = std::atoi(std::string(status_line.substr(space + 1, 3)).c_str());
  head.remove_prefix(status_line.size() + 2);
  while (!head.empty()) {
    const auto line = head.substr(0, head.find("\r\n"));
    head.remove_prefix(line.size() + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    auto value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    response.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  std::size_t at = head_end + 4;
  if (boost::iequals(response.header("transfer-encoding"), "chunked")) {
    for (;;) {
      const auto line_end = stream.find("\r\n", at);
      if (line_end == std::string_view::npos) return 0;
      const auto size =
          std::strtoull(std::string(stream.substr(at, line_end - at)).c_str(), nullptr, 16);
      at = line_end + 2;
      if (size == 0) {
        const auto end = stream.find("\r\n", at);  // no trailers are sent here
        if (end == std::string_view::npos) return 0;
        at = end + 2;
        break;
      }
      if (stream.size() < at + size + 2) return 0;
      response.body.append(stream.substr(at, size));
      at += size + 2;
    }
  } else if (const auto length = response.header("content-length"); !length.empty()) {
    const auto size = std::strtoull(length.c_str(), nullptr, 10);
    if (stream.size() < at + size) return 0;
    response.body = std::string(stream.substr(at, size));
    at += size;
  } else if (response.status == 101 || response.status == 204 || response.status == 304) {
    // no body
  } else {
    if (!until_close) return 0;
    response.body = std::string(stream.substr(at));
    at = stream.size();
  }
  *out = std::move(response);
  return at;
}

std::vector<RawResponse> parse_all(std::string_view stream, bool until_close, std::string* rest) {
  std::vector<RawResponse> responses;
  for (;;) {
    RawResponse response;
    const auto used = parse_one(stream, until_close, &response);
    if (used == 0) break;
    responses.push_back(std::move(response));
    stream.remove_prefix(used);
  }
  if (rest) *rest = std::string(stream);
  return responses;
}

}  // namespace

std::string RawResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (boost::iequals(key, name)) return value;
  }
  return "";
}

std::vector<RawResponse> parse_responses(std::string_view stream, std::string* rest) {
  return parse_all(stream, true, rest);
}

RawExchange raw_exchange(const std::string& host, unsigned short port, std::string_view bytes,
                         std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  const int fd = connect_to(host, port);
  RawExchange exchange;
  std::string received;
  std::size_t sent = 0;
  char buffer[16384];
  while (!exchange.closed) {
    pollfd p{fd, static_cast<short>(POLLIN | (sent < bytes.size() ? POLLOUT : 0)), 0};
    const int ready = ::poll(&p, 1, remaining_ms(deadline));
    if (ready <= 0) break;  // out of time
    if (p.revents & POLLOUT) {
      const auto n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n > 0) sent += static_cast<std::size_t>(n);
      if (n < 0 && errno != EAGAIN && errno != EINTR) sent = bytes.size();  // peer is gone
    }
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      const auto n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n > 0) {
        received.append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        exchange.closed = true;
      }
    }
  }
  ::close(fd);
  exchange.responses = parse_all(received, exchange.closed, &exchange.trailing);
  return exchange;
}

RawResponse raw_get(const std::string& host, unsigned short port, std::string_view target,
                    std::string_view token, std::chrono::milliseconds limit) {
  std::string request = "GET ";
  request.append(target);
  request += " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n";
  if (!token.empty()) request += "Authorization: Bearer " + std::string(token) + "\r\n";
  request += "\r\n";
  auto exchange = raw_exchange(host, port, request, limit);
  return exchange.responses.empty() ? RawResponse{} : std::move(exchange.responses.front());
}

}  // namespace rollcall::tests::attack::web
