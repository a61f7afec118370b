#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tools/client/websocket_connection.h"

namespace rollcall::tests::attack {

using tools::client::CloseInfo;
using tools::client::Frame;

// A WebSocket client for sending what no well-behaved client would: any bytes in text or binary
// frames, pings, floods. It reads all the time in the background (frames queue up, pongs are
// counted, the peer's close is recorded), so a flood never stalls on the server's answers, and
// every call has a deadline. One thread at a time.
class FrameClient {
 public:
  using Timeout = std::chrono::milliseconds;

  FrameClient();
  ~FrameClient();
  FrameClient(const FrameClient&) = delete;
  FrameClient& operator=(const FrameClient&) = delete;

  // Connects and upgrades (Authorization: Bearer token; the JSON subprotocol when `json`).
  // Throws tools::client::HandshakeError when the upgrade is refused, std::runtime_error else.
  void connect(const std::string& host, unsigned short port, const std::string& target,
               const std::string& token, bool json, Timeout timeout = std::chrono::seconds(5));

  // One frame, or a ping. false once the connection is closed (or the write failed).
  bool send(std::string_view data, bool text, Timeout timeout = std::chrono::seconds(5));
  bool ping(Timeout timeout = std::chrono::seconds(5));
  // An unsolicited pong (RFC 6455 allows them): control frames a server must not leave uncounted.
  bool pong(Timeout timeout = std::chrono::seconds(5));
  // An empty binary frame that does not end its message: the first starts a message, each later
  // one continues it, and the message never ends.
  bool fragment(Timeout timeout = std::chrono::seconds(5));

  // The next message received, waiting at most `timeout`; nullopt when none came or the
  // connection is closed and nothing is left.
  std::optional<Frame> next(Timeout timeout);
  // Handles whatever arrives for `duration` (frames queue up).
  void pump(Timeout duration);
  // Waits until the peer closed (true) or the timeout passed.
  bool wait_closed(Timeout timeout);

  std::size_t queued() const;
  int pongs() const;
  // Set once the connection ended: the peer's close frame, or 1006 with the error.
  const std::optional<CloseInfo>& close_info() const;

 private:
  bool control(bool pong, Timeout timeout);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rollcall::tests::attack
