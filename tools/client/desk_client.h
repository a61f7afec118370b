#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "rollcall/v1/rollcall.pb.h"
#include "tools/client/encoding.h"
#include "tools/client/websocket_connection.h"

namespace rollcall::tools::client {

// A desk on GET /v1/desk?event=EVENT: one ScanRequest in, exactly one ScanResult out, in order.
// Synchronous, one thread at a time; every call has a deadline.
class DeskClient {
 public:
  static constexpr Timeout default_timeout = std::chrono::seconds(5);

  void connect(const std::string& host, unsigned short port, const std::string& event,
               Encoding encoding = Encoding::binary, Timeout timeout = default_timeout);

  // Sends the request and waits for its result. Throws ClosedError (close_info() says why),
  // TimeoutError, or std::runtime_error when the result cannot be parsed.
  rollcall::v1::ScanResult scan(const rollcall::v1::ScanRequest& request,
                                Timeout timeout = default_timeout);

  // Raw frames, for tests that send what a well-behaved desk never would.
  void send_text(std::string_view text, Timeout timeout = default_timeout);
  void send_binary(std::string_view bytes, Timeout timeout = default_timeout);
  // The next frame, or nullopt on timeout (the connection stays usable); throws ClosedError.
  std::optional<Frame> read_raw(Timeout timeout = default_timeout);
  // Decodes a frame as this client's encoding would.
  rollcall::v1::ScanResult decode(const Frame& frame) const;

  // The access token sent with every later connect().
  void set_token(std::string token) { connection_.set_token(std::move(token)); }
  void close() { connection_.close(); }
  bool is_open() const { return connection_.is_open(); }
  // Set once the server closed the connection (its code and reason, or 1006 when it dropped).
  const std::optional<CloseInfo>& close_info() const { return connection_.close_info(); }
  Encoding encoding() const { return encoding_; }

 private:
  WebSocketConnection connection_;
  Encoding encoding_ = Encoding::binary;
};

}  // namespace rollcall::tools::client
