#pragma once

#include <array>
#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "gateway/metrics.h"
#include "gateway/server/limits.h"
#include "gateway/server/raw_channel.h"
#include "gateway/totals_hub.h"

namespace rollcall::gateway::server {

struct Context;

// What a display uses of the gateway: the hub's frames, the metrics, its limits.
struct DisplayParts {
  std::shared_ptr<TotalsHub> hub;
  std::shared_ptr<Metrics> metrics;
  Limits limits;

  static DisplayParts of(const Context& context);
};

// One display: a snapshot first, then the hub's shared updates. A display holds at most one
// frame in flight and one waiting; if it falls further behind, the waiting update is replaced
// by a fresh snapshot, so a slow screen costs no memory and still shows the newest state.
//
// Beast does the handshake; from there the display is a RawChannel writing the hub's prepared
// frames (header included, shared by every display) as they are: one write of shared bytes per
// display and update, no framing, copy or timer. The hub's periodic sweep (on_sweep) stands in
// for per-write and idle timers.
class DisplaySession : public RawChannel, public DisplaySink {
 public:
  DisplaySession(WebSocket&& ws, std::string event_id, services::wire::Encoding encoding,
                 DisplayParts parts);

  boost::asio::awaitable<void> run();
  boost::asio::any_io_executor executor() const override { return get_executor(); }
  void on_update(const std::shared_ptr<const SharedFrames>& update) override;
  void on_resync() override;
  void on_sweep(std::chrono::steady_clock::time_point now) override;

 private:
  void on_message(const ws::ClientEvent& message) override;
  boost::asio::mutable_buffer read_buffer() override { return boost::asio::buffer(read_buffer_); }
  boost::asio::awaitable<void> on_finished() override;
  Bytes next_data() override;
  void on_data_written() override;
  void on_dropped_as_slow() override;

  std::string event_id_;
  services::wire::Encoding encoding_;
  DisplayParts parts_;
  // Touched only on the session's executor (the hub calls the DisplaySink methods there too).
  std::shared_ptr<const SharedFrames> waiting_update_;
  bool want_snapshot_ = true;
  bool has_state_ = false;
  std::uint64_t seq_ = 0;  // what the display has
  ChannelGauge gauge_;
  std::array<char, 128> read_buffer_;  // snapshot requests and pongs: tiny frames
};

}  // namespace rollcall::gateway::server
