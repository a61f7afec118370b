#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>

#include <boost/asio/awaitable.hpp>

#include "gateway/event_directory.h"
#include "gateway/metrics.h"
#include "gateway/server/online_session.h"
#include "gateway/server/raw_channel.h"
#include "rollcall/v1/auth.pb.h"
#include "services/wire/codec.h"

namespace rollcall::gateway::server {

// GET /v1/online?event=E with a beacon ticket (already verified: `ticket` holds its claims) or,
// under a platform token, with &participant=ID: one participant's presence. Open is a join,
// close or silence a leave, and nothing else is said: the client's frames (heartbeats) are read
// and counted against the beacon's rate, never answered.
//
// A RawChannel, for a beacon is the connection held by the thousand: after the handshake it
// keeps the socket and its join (for the leave), no Beast stream or timer. Silence is found by
// its thread's sweep (ChannelSweeps), every quarter of the beacon timeout.
class BeaconSession : public RawChannel {
 public:
  BeaconSession(WebSocket&& ws, std::shared_ptr<const EventInfo> event,
                services::wire::Encoding encoding, const OnlineQuery& query,
                const std::optional<v1::BeaconTicket>& ticket, OnlineParts parts);

  boost::asio::awaitable<void> run();

 private:
  void on_message(const ws::ClientEvent& message) override {}
  boost::asio::mutable_buffer read_buffer() override { return boost::asio::buffer(read_buffer_); }
  // The leave (if it joined).
  boost::asio::awaitable<void> on_finished() override;
  // A join or leave must be counted even if Redis blinks: retried until it is applied.
  boost::asio::awaitable<bool> apply_until_done(const v1::PresenceEvent& item);

  std::shared_ptr<const EventInfo> event_;  // shared with the event directory's cache
  services::wire::Encoding encoding_;
  // What a beacon uses of OnlineParts, kept apart: thousands of beacons hold them.
  std::shared_ptr<PresenceLeases> leases_;
  std::shared_ptr<PresenceBatcher> batcher_;
  std::shared_ptr<const services::registry::CountryCodes> countries_;
  RawChannel::Clock::duration idle_timeout_;
  // The join, serialized: one allocation per beacon where the message would hold one per field
  // (thousands of beacons keep it for their leave).
  std::string join_;
  std::uint64_t connection_;
  bool joined_ = false;
  ChannelGauge gauge_;
  std::array<char, 128> read_buffer_;  // heartbeats and pongs: tiny frames
};

}  // namespace rollcall::gateway::server
