#include "tools/client/display_client.h"

#include <algorithm>
#include <stdexcept>

#include "tools/client/json.h"
#include "tools/client/target.h"

namespace rollcall::tools::client {

using Clock = std::chrono::steady_clock;

void DisplayClient::connect(const std::string& host, unsigned short port, const std::string& event,
                            Encoding encoding, Timeout timeout) {
  connect_target(host, port, channel_target("/v1/display", event), encoding, timeout);
}

void DisplayClient::connect_target(const std::string& host, unsigned short port,
                                   const std::string& target, Encoding encoding, Timeout timeout) {
  encoding_ = encoding;
  state_.Clear();
  snapshots_ = updates_applied_ = gaps_ = updates_skipped_ = 0;
  awaiting_snapshot_ = false;
  last_error_.reset();
  connection_.connect(host, port, target, subprotocol(encoding), timeout);
}

std::optional<rollcall::v1::DisplayMessage> DisplayClient::next(Timeout timeout) {
  auto frame = connection_.read(timeout);
  if (!frame) return std::nullopt;
  rollcall::v1::DisplayMessage message;
  if (encoding_ == Encoding::json) {
    if (!frame->text) throw std::runtime_error("display: binary frame on a JSON channel");
    from_json(frame->data, message);
  } else {
    if (frame->text) throw std::runtime_error("display: text frame on a binary channel");
    if (!message.ParseFromString(frame->data)) {
      throw std::runtime_error("display: frame is not a DisplayMessage");
    }
  }
  apply(message);
  return message;
}

void DisplayClient::apply(const rollcall::v1::DisplayMessage& message) {
  switch (message.kind_case()) {
    case rollcall::v1::DisplayMessage::kSnapshot:
      state_ = message.snapshot();
      ++snapshots_;
      awaiting_snapshot_ = false;
      break;
    case rollcall::v1::DisplayMessage::kUpdate:
      if (!awaiting_snapshot_ && snapshots_ > 0 && message.update().prev_seq() == state_.seq()) {
        state_.MergeFrom(message.update().totals());
        ++updates_applied_;
      } else if (awaiting_snapshot_) {
        // One request per gap: later updates are stale until the snapshot arrives.
        ++updates_skipped_;
      } else {
        ++gaps_;
        awaiting_snapshot_ = true;
        request_snapshot();
      }
      break;
    case rollcall::v1::DisplayMessage::kError:
      last_error_ = message.error();
      break;
    case rollcall::v1::DisplayMessage::KIND_NOT_SET:
      break;
  }
}

bool DisplayClient::wait_until(const Predicate& predicate, Timeout timeout) {
  auto deadline = Clock::now() + timeout;
  while (!(has_snapshot() && predicate(state_))) {
    auto left = std::chrono::duration_cast<Timeout>(deadline - Clock::now());
    if (left <= Timeout(0)) return false;
    next(left);
  }
  return true;
}

void DisplayClient::request_snapshot(Timeout timeout) {
  rollcall::v1::DisplayRequest request;
  request.set_snapshot(true);
  if (encoding_ == Encoding::json) {
    connection_.write(to_json(request), true, timeout);
  } else {
    connection_.write(request.SerializeAsString(), false, timeout);
  }
}

}  // namespace rollcall::tools::client
