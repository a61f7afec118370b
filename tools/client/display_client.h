#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "rollcall/v1/rollcall.pb.h"
#include "tools/client/encoding.h"
#include "tools/client/websocket_connection.h"

namespace rollcall::tools::client {

// A display on GET /v1/display?event=EVENT. Keeps the totals the way a display must: a snapshot
// replaces the state; an update applies only when update.prev_seq == state.seq (by protobuf
// merge: set fields and present map entries replace); on a gap it asks for a fresh snapshot.
class DisplayClient {
 public:
  static constexpr Timeout default_timeout = std::chrono::seconds(5);
  using Predicate = std::function<bool(const rollcall::v1::Totals&)>;

  void connect(const std::string& host, unsigned short port, const std::string& event,
               Encoding encoding = Encoding::binary, Timeout timeout = default_timeout);
  // The same on another display target, e.g. "/v1/display?venue=V" (a venue's totals).
  void connect_target(const std::string& host, unsigned short port, const std::string& target,
                      Encoding encoding = Encoding::binary, Timeout timeout = default_timeout);

  // Reads one message and applies it to state(). nullopt when none arrived within `timeout`.
  // Throws ClosedError when the server closed (after an Error message, see last_error()).
  std::optional<rollcall::v1::DisplayMessage> next(Timeout timeout = default_timeout);

  // Reads until `predicate(state())` holds (checked once a snapshot is in, after every message);
  // false when the time runs out. Throws ClosedError like next().
  bool wait_until(const Predicate& predicate, Timeout timeout = default_timeout);

  // Sends DisplayRequest{snapshot: true}; next() does this itself on a gap.
  void request_snapshot(Timeout timeout = default_timeout);

  const rollcall::v1::Totals& state() const { return state_; }
  bool has_snapshot() const { return snapshots_ > 0; }
  int snapshots() const { return snapshots_; }
  int updates_applied() const { return updates_applied_; }
  // Updates that did not fit the state (prev_seq != state.seq) and led to a snapshot request.
  int gaps() const { return gaps_; }
  // Updates dropped while waiting for a requested snapshot.
  int updates_skipped() const { return updates_skipped_; }
  const std::optional<rollcall::v1::Error>& last_error() const { return last_error_; }

  // The access token sent with every later connect().
  void set_token(std::string token) { connection_.set_token(std::move(token)); }
  void close() { connection_.close(); }
  bool is_open() const { return connection_.is_open(); }
  const std::optional<CloseInfo>& close_info() const { return connection_.close_info(); }

 private:
  void apply(const rollcall::v1::DisplayMessage& message);

  WebSocketConnection connection_;
  Encoding encoding_ = Encoding::binary;
  rollcall::v1::Totals state_;
  int snapshots_ = 0;
  int updates_applied_ = 0;
  int gaps_ = 0;
  int updates_skipped_ = 0;
  bool awaiting_snapshot_ = false;
  std::optional<rollcall::v1::Error> last_error_;
};

}  // namespace rollcall::tools::client
