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
#include "gateway/token_directory.h"
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
  std::shared_ptr<TokenDirectory> tokens;
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

// GET /v1/online?event=E under a platform token, without &participant: a platform bridge
// sending batches of joins and leaves, each batch answered with an ack per item. (With a beacon
// ticket or &participant=ID the socket is a beacon: BeaconSession.) A bridge is its token: the
// token is checked again on every frame (cached for seconds), as a desk's is, so a revoked or
// expired one is cut off.
class OnlineSession {
 public:
  OnlineSession(WebSocket ws, std::shared_ptr<const EventInfo> event,
                services::wire::Encoding encoding, OnlineQuery query, std::string token,
                OnlineParts parts);

  boost::asio::awaitable<void> run();
  WebSocket::executor_type get_executor() { return ws_.get_executor(); }

 private:
  boost::asio::awaitable<void> send(const google::protobuf::Message& message);
  boost::asio::awaitable<void> send_error(std::string code, std::string message);

  WebSocket ws_;
  std::shared_ptr<const EventInfo> event_;  // shared with the event directory's cache
  services::wire::Encoding encoding_;
  OnlineQuery query_;
  TokenDirectory::Presented token_;  // as presented at the upgrade
  OnlineParts parts_;
  ChannelGauge gauge_;
};

}  // namespace rollcall::gateway::server
