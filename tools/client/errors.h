#pragma once

#include <stdexcept>
#include <string>

namespace rollcall::tools::client {

// The peer closed the WebSocket (close frame), or the connection dropped (code 1006).
class ClosedError : public std::runtime_error {
 public:
  ClosedError(int code, std::string reason);
  int code() const { return code_; }
  const std::string& reason() const { return reason_; }

 private:
  int code_;
  std::string reason_;
};

// An operation did not finish in time. Fatal to the connection unless documented otherwise.
class TimeoutError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The server answered the WebSocket upgrade with something other than 101.
class HandshakeError : public std::runtime_error {
 public:
  HandshakeError(int status, std::string body);
  int status() const { return status_; }
  const std::string& body() const { return body_; }

 private:
  int status_;
  std::string body_;
};

}  // namespace rollcall::tools::client
