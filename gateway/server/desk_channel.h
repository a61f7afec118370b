#pragma once

#include <array>
#include <exception>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "gateway/event_directory.h"
#include "gateway/metrics.h"
#include "gateway/scan_handler.h"
#include "gateway/server/limits.h"
#include "gateway/server/raw_channel.h"
#include "gateway/token_directory.h"
#include "redis/commands.h"
#include "services/wire/codec.h"

namespace rollcall::gateway::server {

struct Context;

// What a desk uses of the gateway: its scans, and the tokens it is checked against on every
// frame. A venue's desk (VenueDeskSession) also looks up the venue's events and their badges.
struct DeskParts {
  std::shared_ptr<ScanHandler> scans;
  std::shared_ptr<TokenDirectory> tokens;
  std::shared_ptr<EventDirectory> events;
  std::shared_ptr<redis::Commands> commands;
  std::shared_ptr<Metrics> metrics;
  Limits limits;

  static DeskParts of(const Context& context);
};

// A desk's connection, an event's (DeskSession) or a venue's (VenueDeskSession): each frame is
// answered with one frame, in order, the next read only once the answer is written (as Beast's
// read-answer-write loop did). A stolen tablet is cut off once its token is revoked: the token is
// checked again on every frame (cached for seconds) and a refused one closes the desk (4401,
// 4403).
//
// A RawChannel, as displays and beacons are: no Beast stream, strand or coroutine stays under a
// desk between scans, and an answer is framed and written once. A throw while answering ends
// this desk alone (SessionEnd), as a reset would.
class DeskChannel : public RawChannel {
 public:
  // Starts the sweeps (a timer, every second) and the reading.
  boost::asio::awaitable<void> run();

 protected:
  // `feed`: what the token must give the scan access to (an event id, a venue's feed);
  // `channel`: desk or venue_desk, for SessionEnd.
  DeskChannel(WebSocket&& ws, services::wire::Encoding encoding, std::string token,
              std::string feed, std::string_view channel, DeskParts parts);

  // The encoded answer to one frame, whose token was found good.
  virtual boost::asio::awaitable<std::string> answer(std::string frame) = 0;

  services::wire::Encoding encoding() const { return encoding_; }
  DeskParts& parts() { return parts_; }

 private:
  void on_message(const ws::ClientEvent& message) override;
  boost::asio::awaitable<void> serve(std::string frame);
  // A throw while answering: counted and logged (SessionEnd), and this desk alone ends.
  void end_on(std::exception_ptr failure);
  boost::asio::awaitable<void> on_finished() override { co_return; }
  Bytes next_data() override { return std::exchange(reply_, nullptr); }
  void on_data_written() override { resume_reading(); }
  boost::asio::mutable_buffer read_buffer() override { return boost::asio::buffer(buffer_); }

  services::wire::Encoding encoding_;
  TokenDirectory::Presented token_;  // as presented at the upgrade
  std::string feed_;
  std::string_view session_;  // for SessionEnd: desk, venue_desk
  DeskParts parts_;
  Bytes reply_;                      // the answer, until written
  boost::asio::steady_timer timer_;  // the sweeps
  ChannelGauge gauge_;
  // A scan request is 100 to 300 bytes: one read each (the parser takes longer frames
  // piecewise), and little memory under an idle desk.
  std::array<char, 512> buffer_;
};

}  // namespace rollcall::gateway::server
