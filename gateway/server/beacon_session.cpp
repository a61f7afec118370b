#include "gateway/server/beacon_session.h"

#include <atomic>

#include <boost/asio/use_awaitable.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/server/channel_sweeps.h"
#include "gateway/totals_hub.h"
#include "services/presence/presence_items.h"
#include "services/registry/utf8.h"

namespace rollcall::gateway::server {
namespace {

namespace asio = boost::asio;
using services::wire::Encoding;

std::atomic<std::uint64_t> next_beacon{1};

std::string presence_id(const PresenceLeases& leases, std::uint64_t connection,
                        std::string_view kind) {
  return "beacon-" + leases.beacon_holder().substr(3) + "-" + std::to_string(connection) + "-" +
         std::string(kind);
}

}  // namespace

BeaconSession::BeaconSession(WebSocket&& ws, std::shared_ptr<const EventInfo> event,
                             Encoding encoding, const OnlineQuery& query,
                             const std::optional<v1::BeaconTicket>& ticket, OnlineParts parts)
    : RawChannel(std::move(ws), GatedChannel::beacon, parts.limits, parts.metrics),
      event_(std::move(event)),
      encoding_(encoding),
      leases_(std::move(parts.leases)),
      batcher_(std::move(parts.beacons)),
      countries_(std::move(parts.countries)),
      idle_timeout_(parts.limits.beacon_idle_timeout),
      connection_(next_beacon++),
      gauge_(metrics(), Channel::online) {
  v1::PresenceEvent item;
  item.set_kind(v1::join);
  item.set_presence_id(presence_id(*leases_, connection_, "join"));
  // Who the participant is comes from the ticket when there is one, never from the query.
  item.set_participant_id(ticket ? ticket->participant_id() : query.participant);
  item.set_badge_id(ticket ? ticket->badge_id() : query.badge);
  item.set_country(ticket ? ticket->country() : query.country);
  item.set_category(ticket ? ticket->category() : query.category);
  item.set_platform(query.platform.empty() ? "beacon" : query.platform);
  item.set_session(query.session);
  item.SerializeToString(&join_);
}

asio::awaitable<void> BeaconSession::run() {
  v1::PresenceEvent item;
  item.ParseFromString(join_);
  if (auto why = services::presence::validate_presence(&item, *countries_, event_->config)) {
    v1::OnlineReply reply;
    reply.mutable_error()->set_code("rejected");
    reply.mutable_error()->set_message(*why);
    send_error(prepared_frame(encode(reply, encoding_), encoding_));
    // Close reasons are limited to 123 bytes.
    close_with(ws::kClosePolicy, "rejected: " + services::registry::quote_input(*why, 110));
  } else {
    // As validated (normalized), for the leave.
    item.SerializeToString(&join_);
    join_.shrink_to_fit();
    leases_->hold(event_->config.event_id(), leases_->beacon_holder());
    joined_ = co_await apply_until_done(item);
    if (!joined_) {
      drop();
      leases_->release(event_->config.event_id(), leases_->beacon_holder());
      co_return;
    }
  }
  // A quarter of the timeout: beacons by the ten thousand are swept rarely (their closing and
  // slow-write bounds may run up to a quarter late).
  ChannelSweeps::of(get_executor()).add(shared_from_this(), idle_timeout_, idle_timeout_ / 4);
  start_reading();
}

asio::awaitable<void> BeaconSession::on_finished() {
  if (!joined_) co_return;
  v1::PresenceEvent item;
  item.ParseFromString(join_);
  item.set_kind(v1::leave);
  item.set_presence_id(presence_id(*leases_, connection_, "leave"));
  item.clear_time();
  co_await apply_until_done(item);
  leases_->release(event_->config.event_id(), leases_->beacon_holder());
}

// It goes out in a batch with the other beacons' items of the moment (PresenceBatcher).
asio::awaitable<bool> BeaconSession::apply_until_done(const v1::PresenceEvent& item) {
  asio::steady_timer pause(get_executor());
  for (int attempt = 0; attempt < 120; ++attempt) {
    const auto ack = co_await batcher_->apply(event_, item);
    if (ack.status() != v1::PresenceAck::unavailable) co_return true;
    pause.expires_after(std::chrono::milliseconds(500));
    co_await pause.async_wait(use_tuple);
  }
  co_return false;
}

}  // namespace rollcall::gateway::server
