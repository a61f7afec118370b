#pragma once

#include <memory>
#include <string>

#include <optional>

#include <boost/asio/awaitable.hpp>
#include <boost/url/params_view.hpp>

#include "gateway/event_directory.h"
#include "gateway/metrics.h"
#include "gateway/presence_batcher.h"
#include "gateway/presence_leases.h"
#include "gateway/server/frame_gate.h"
#include "gateway/server/limits.h"
#include "redis/commands.h"
#include "rollcall/v1/auth.pb.h"
#include "services/presence/presence_items.h"
#include "services/registry/country_codes.h"
#include "services/wire/codec.h"

namespace rollcall::gateway::server {

struct Context;

// What the online channel uses of the gateway: presence is written with the event's countries
// and the gateway's leases.
struct OnlineParts {
  std::shared_ptr<redis::Commands> commands;
  std::shared_ptr<PresenceLeases> leases;
  std::shared_ptr<PresenceBatcher> beacons;
  std::shared_ptr<const services::registry::CountryCodes> countries;
  std::shared_ptr<Metrics> metrics;
  Limits limits;

  static OnlineParts of(const Context& context);
};

// The query of /v1/online as the channel reads it.
struct OnlineQuery {
  bool has_participant = false;
  std::string participant, badge, country, category, platform, session, bridge;

  static OnlineQuery of(const boost::urls::params_view& params);
};

// GET /v1/online?event=E. With a beacon ticket (already verified: `ticket` holds its claims)
// the socket is that participant's presence beacon (open = join, close or silence = leave), and
// nothing else. Otherwise (a platform token): with &participant=ID a beacon, without it a
// platform bridge sending batches of joins and leaves.
class OnlineSession {
 public:
  OnlineSession(WebSocket ws, std::shared_ptr<const EventInfo> event,
                services::wire::Encoding encoding, OnlineQuery query,
                std::optional<v1::BeaconTicket> ticket, OnlineParts parts);

  boost::asio::awaitable<void> run();
  WebSocket::executor_type get_executor() { return ws_.get_executor(); }

 private:
  boost::asio::awaitable<void> run_beacon();
  boost::asio::awaitable<void> run_bridge();
  boost::asio::awaitable<bool> apply_until_done(const v1::PresenceEvent& item);
  boost::asio::awaitable<void> send(const google::protobuf::Message& message);
  boost::asio::awaitable<void> send_error(std::string code, std::string message);

  WebSocket ws_;
  std::shared_ptr<const EventInfo> event_;  // shared with the event directory's cache
  services::wire::Encoding encoding_;
  OnlineQuery query_;
  std::optional<v1::BeaconTicket> ticket_;
  OnlineParts parts_;
  ChannelGauge gauge_;
};

}  // namespace rollcall::gateway::server
