#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tools/client/http_get.h"

namespace rollcall::tools::client {

using Timeout = std::chrono::milliseconds;

// One WebSocket frame as received.
struct Frame {
  bool text = false;
  std::string data;
};

// How the peer ended the connection: its close frame, or 1006 when the socket just dropped.
struct CloseInfo {
  int code = 0;
  std::string reason;
};

// A synchronous WebSocket client connection with a deadline on every operation. It owns its
// own io_context, so each instance is confined to one thread at a time and needs no locking.
// A read that times out stays pending (the connection stays usable): the frame it eventually
// gets is returned by the next read(), so frames are never lost or reordered.
class WebSocketConnection {
 public:
  WebSocketConnection();
  ~WebSocketConnection();
  WebSocketConnection(const WebSocketConnection&) = delete;
  WebSocketConnection& operator=(const WebSocketConnection&) = delete;

  // Resolves, connects and upgrades. `subprotocol` may be empty. Throws HandshakeError when the
  // upgrade is refused, std::runtime_error when a requested subprotocol is not accepted (a
  // browser would fail such a connection too), TimeoutError, or std::runtime_error (e.g. connection
  // refused).
  void connect(const std::string& host, unsigned short port, const std::string& target,
               const std::string& subprotocol, Timeout timeout);

  // The access token sent with every later connect(), as "Authorization: Bearer".
  void set_token(std::string token);

  // Every later connect() speaks TLS (wss) with these options, or plain TCP (ws) when nullopt,
  // the default. A server whose certificate does not verify fails connect() with
  // std::runtime_error. Throws std::runtime_error when the CA file cannot be read.
  void set_tls(std::optional<TlsOptions> tls);

  // Sends one frame. Throws ClosedError once closed, TimeoutError (and drops the connection).
  void write(std::string_view data, bool text, Timeout timeout);

  // The next frame, or nullopt when none arrived within `timeout`. Throws ClosedError when the
  // peer closed (close_info() then says how).
  std::optional<Frame> read(Timeout timeout);

  // Sends a normal close (1000) and waits briefly for the peer's; never throws.
  void close(Timeout timeout = std::chrono::seconds(2));

  bool is_open() const;
  const std::optional<CloseInfo>& close_info() const;
  const std::string& accepted_subprotocol() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rollcall::tools::client
