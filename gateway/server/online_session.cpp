#include "gateway/server/online_session.h"

#include <atomic>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/presence_writer.h"
#include "gateway/server/frame_gate.h"
#include "gateway/server/rate_limiter.h"
#include "services/presence/presence_items.h"
#include "services/registry/utf8.h"
#include "services/wire/field_limits.h"

namespace rollcall::gateway::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace presence = services::presence;
namespace wire = services::wire;
using services::wire::Encoding;

constexpr std::size_t kMaxBatch = 1000;
std::atomic<std::uint64_t> next_connection{1};

std::string param(const boost::urls::params_view& params, std::string_view name) {
  const auto it = params.find(name);
  return it != params.end() && (*it).has_value ? std::string((*it).value) : std::string();
}

asio::awaitable<void> send(WebSocket& ws, const google::protobuf::Message& message,
                           Encoding encoding) {
  const auto frame = encode(message, encoding);
  co_await ws.async_write(asio::buffer(frame), use_tuple);
}

asio::awaitable<void> send_error(WebSocket& ws, Encoding encoding, std::string code,
                                 std::string message) {
  v1::OnlineReply reply;
  reply.mutable_error()->set_code(std::move(code));
  reply.mutable_error()->set_message(std::move(message));
  co_await send(ws, reply, encoding);
}

// A beacon's join or leave must be counted even if Redis blinks: retry until it is applied.
// Every call renews the gateway's shared beacon lease: writing back the lease the beacon was
// opened with (long expired by the time it leaves) would let a sweep fold away every beacon
// still connected here.
asio::awaitable<bool> apply_until_done(const Context& context, const EventInfo& event,
                                       presence::Holder holder, const v1::PresenceEvent& item) {
  asio::steady_timer pause(co_await asio::this_coro::executor);
  for (int attempt = 0; attempt < 120; ++attempt) {
    holder.lease_until_ms = context.leases->lease_until_ms();
    const std::vector<const v1::PresenceEvent*> items{&item};  // not inside co_await: GCC 12
    const auto acks =
        co_await apply_presence(*context.commands, *context.metrics, event, holder, false, items);
    if (acks.front().status() != v1::PresenceAck::unavailable) co_return true;
    pause.expires_after(std::chrono::milliseconds(500));
    co_await pause.async_wait(use_tuple);
  }
  co_return false;
}

asio::awaitable<void> run_beacon(WebSocket& ws, const EventInfo& event, Encoding encoding,
                                 const boost::urls::params_view& params, const Context& context,
                                 const v1::BeaconTicket* ticket) {
  const auto connection = next_connection++;
  v1::PresenceEvent item;
  item.set_kind(v1::join);
  item.set_presence_id("beacon-" + context.leases->beacon_holder().substr(3) + "-" +
                       std::to_string(connection) + "-join");
  // Who the participant is comes from the ticket when there is one, never from the query.
  item.set_participant_id(ticket ? ticket->participant_id() : param(params, "participant"));
  item.set_badge_id(ticket ? ticket->badge_id() : param(params, "badge"));
  item.set_country(ticket ? ticket->country() : param(params, "country"));
  item.set_category(ticket ? ticket->category() : param(params, "category"));
  item.set_platform(param(params, "platform").empty() ? "beacon" : param(params, "platform"));
  item.set_session(param(params, "session"));
  if (auto why = presence::validate_presence(&item, *context.countries, event.config)) {
    co_await send_error(ws, encoding, "rejected", *why);
    // Close reasons are limited to 123 bytes.
    co_await ws.async_close({websocket::close_code::policy_error,
                             "rejected: " + services::registry::quote_input(*why, 110)},
                            use_tuple);
    co_return;
  }
  // Silence is a leave: Beast pings an idle beacon and drops it if no pong comes back.
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(30);
  timeouts.idle_timeout = context.limits.beacon_idle_timeout;
  timeouts.keep_alive_pings = true;
  ws.set_option(timeouts);

  const presence::Holder holder{.id = context.leases->beacon_holder(), .via = "beacon"};
  const auto& event_id = event.config.event_id();
  context.leases->hold(event_id, holder.id);
  if (co_await apply_until_done(context, event, holder, item)) {
    FrameGate gate(ws, *context.metrics, GatedChannel::beacon, context.limits);
    beast::flat_buffer buffer;
    while (co_await gate.read(buffer)) {
    }
    item.set_kind(v1::leave);
    item.set_presence_id("beacon-" + context.leases->beacon_holder().substr(3) + "-" +
                         std::to_string(connection) + "-leave");
    item.clear_time();
    co_await apply_until_done(context, event, holder, item);
  }
  context.leases->release(event_id, holder.id);
}

asio::awaitable<void> run_bridge(WebSocket& ws, const EventInfo& event, Encoding encoding,
                                 const boost::urls::params_view& params, const Context& context) {
  std::string bridge_id = param(params, "bridge");
  if (bridge_id.empty()) {
    bridge_id = context.leases->beacon_holder().substr(3) + "-" + std::to_string(next_connection++);
  }
  presence::Holder holder{.id = "bridge:" + bridge_id, .via = "bridge"};
  const auto& event_id = event.config.event_id();
  context.leases->hold(event_id, holder.id);
  // Every frame counts against the frame rate, errors and heartbeats included; the items of a
  // batch count against the item rate besides.
  FrameGate gate(ws, *context.metrics, GatedChannel::bridge, context.limits);
  const auto bridge = channel_limits(GatedChannel::bridge, context.limits);
  RateLimiter limiter(bridge.item_rate, bridge.item_burst);
  beast::flat_buffer buffer;
  while (co_await gate.read(buffer)) {
    v1::OnlineRequest request;
    std::string error;
    if (!decode(beast::buffers_to_string(buffer.data()), encoding, &request, &error)) {
      co_await send_error(ws, encoding, "malformed", error);
      continue;
    }
    if (request.kind_case() != v1::OnlineRequest::kBatch) continue;  // heartbeats need no answer
    auto& batch = *request.mutable_batch();
    if (auto why = wire::check_text_fields(batch, {{"bridge_id", 64}})) {
      co_await send_error(ws, encoding, "malformed", *why + ": nothing in this batch was applied");
      continue;
    }
    if (static_cast<std::size_t>(batch.events_size()) > kMaxBatch) {
      co_await send_error(ws, encoding, "too_large",
                          "at most " + std::to_string(kMaxBatch) + " events per batch");
      continue;
    }
    if (!limiter.allow(std::max(1, batch.events_size()))) {
      co_await send_error(ws, encoding, "rate_limited",
                          "too many events per second on this connection: nothing in this batch "
                          "was applied; send it again shortly");
      continue;
    }
    if (!batch.bridge_id().empty() && "bridge:" + batch.bridge_id() != holder.id) {
      context.leases->release(event_id, holder.id);
      holder.id = "bridge:" + batch.bridge_id();
      context.leases->hold(event_id, holder.id);
    }
    holder.lease_until_ms = context.leases->lease_until_ms();

    std::vector<v1::PresenceAck> acks(batch.events_size());
    std::vector<const v1::PresenceEvent*> valid;
    std::vector<int> positions;
    for (int i = 0; i < batch.events_size(); ++i) {
      auto* item = batch.mutable_events(i);
      if (auto why = presence::validate_presence(item, *context.countries, event.config)) {
        acks[i] = presence::presence_ack(item->presence_id(), v1::PresenceAck::rejected, *why);
      } else if (batch.resync() && item->kind() != v1::join) {
        acks[i] = presence::presence_ack(item->presence_id(), v1::PresenceAck::rejected,
                                         "a resync lists joins only");
      } else {
        valid.push_back(item);
        positions.push_back(i);
      }
    }
    if (!valid.empty() || batch.resync()) {
      const auto applied = co_await apply_presence(*context.commands, *context.metrics, event,
                                                   holder, batch.resync(), valid);
      for (std::size_t i = 0; i < applied.size(); ++i) acks[positions[i]] = applied[i];
    }
    v1::OnlineReply reply;
    for (auto& ack : acks) *reply.mutable_result()->add_acks() = std::move(ack);
    co_await send(ws, reply, encoding);
  }
  context.leases->release(event_id, holder.id);
}

}  // namespace

asio::awaitable<void> run_online(WebSocket& ws, const EventInfo& event, Encoding encoding,
                                 const boost::urls::params_view& params, const Context& context,
                                 const v1::BeaconTicket* ticket) {
  if (ticket || params.contains("participant")) {
    co_await run_beacon(ws, event, encoding, params, context, ticket);
  } else {
    co_await run_bridge(ws, event, encoding, params, context);
  }
}

}  // namespace rollcall::gateway::server
