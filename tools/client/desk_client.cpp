#include "tools/client/desk_client.h"

#include <algorithm>
#include <stdexcept>

#include "tools/client/errors.h"
#include "tools/client/json.h"
#include "tools/client/target.h"

namespace rollcall::tools::client {

void DeskClient::connect(const std::string& host, unsigned short port, const std::string& event,
                         Encoding encoding, Timeout timeout) {
  encoding_ = encoding;
  connection_.connect(host, port, channel_target("/v1/desk", event), subprotocol(encoding),
                      timeout);
}

rollcall::v1::ScanResult DeskClient::scan(const rollcall::v1::ScanRequest& request,
                                          Timeout timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  if (encoding_ == Encoding::json) {
    connection_.write(to_json(request), true, timeout);
  } else {
    connection_.write(request.SerializeAsString(), false, timeout);
  }
  auto left = std::chrono::duration_cast<Timeout>(deadline - std::chrono::steady_clock::now());
  auto frame = connection_.read(std::max(left, Timeout(0)));
  if (!frame) {
    // The result would still arrive later and be taken for the next request's: drop the link.
    connection_.close(Timeout(0));
    throw TimeoutError("desk: no result for scan " + request.scan_id());
  }
  return decode(*frame);
}

void DeskClient::send_text(std::string_view text, Timeout timeout) {
  connection_.write(text, true, timeout);
}

void DeskClient::send_binary(std::string_view bytes, Timeout timeout) {
  connection_.write(bytes, false, timeout);
}

std::optional<Frame> DeskClient::read_raw(Timeout timeout) {
  return connection_.read(timeout);
}

rollcall::v1::ScanResult DeskClient::decode(const Frame& frame) const {
  rollcall::v1::ScanResult result;
  if (encoding_ == Encoding::json) {
    if (!frame.text) throw std::runtime_error("desk: binary frame on a JSON channel");
    from_json(frame.data, result);
  } else {
    if (frame.text) throw std::runtime_error("desk: text frame on a binary channel");
    if (!result.ParseFromString(frame.data)) {
      throw std::runtime_error("desk: result is not a ScanResult");
    }
  }
  return result;
}

}  // namespace rollcall::tools::client
