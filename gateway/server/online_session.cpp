#include "gateway/server/online_session.h"

#include <atomic>

#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/presence_writer.h"
#include "gateway/server/context.h"
#include "gateway/server/frame_gate.h"
#include "gateway/server/rate_limiter.h"
#include "gateway/server/request_auth.h"
#include "services/presence/presence_items.h"
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

}  // namespace

OnlineParts OnlineParts::of(const Context& context) {
  return {.commands = context.commands,
          .tokens = context.tokens,
          .leases = context.leases,
          .beacons = context.beacons,
          .countries = context.countries,
          .metrics = context.metrics,
          .limits = context.limits};
}

OnlineQuery OnlineQuery::of(const boost::urls::params_view& params) {
  return {.has_participant = params.contains("participant"),
          .participant = param(params, "participant"),
          .badge = param(params, "badge"),
          .country = param(params, "country"),
          .category = param(params, "category"),
          .platform = param(params, "platform"),
          .session = param(params, "session"),
          .bridge = param(params, "bridge")};
}

OnlineSession::OnlineSession(WebSocket ws, std::shared_ptr<const EventInfo> event,
                             Encoding encoding, OnlineQuery query, std::string token,
                             OnlineParts parts)
    : ws_(std::move(ws)),
      event_(std::move(event)),
      encoding_(encoding),
      query_(std::move(query)),
      token_(TokenDirectory::presented(token)),
      parts_(std::move(parts)),
      gauge_(*parts_.metrics, Channel::online) {}

asio::awaitable<void> OnlineSession::send(const google::protobuf::Message& message) {
  const auto frame = encode(message, encoding_);
  co_await ws_.async_write(asio::buffer(frame), use_tuple);
}

asio::awaitable<void> OnlineSession::send_error(std::string code, std::string message) {
  v1::OnlineReply reply;
  reply.mutable_error()->set_code(std::move(code));
  reply.mutable_error()->set_message(std::move(message));
  co_await send(reply);
}

asio::awaitable<void> OnlineSession::run() {
  std::string bridge_id = query_.bridge;
  if (bridge_id.empty()) {
    bridge_id = parts_.leases->beacon_holder().substr(3) + "-" + std::to_string(next_connection++);
  }
  presence::Holder holder{.id = "bridge:" + bridge_id, .via = "bridge"};
  const auto& event_id = event_->config.event_id();
  parts_.leases->hold(event_id, holder.id);
  // Every frame counts against the frame rate, errors and heartbeats included; the items of a
  // batch count against the item rate besides.
  FrameGate gate(ws_, *parts_.metrics, GatedChannel::bridge, parts_.limits);
  const auto bridge = channel_limits(GatedChannel::bridge, parts_.limits);
  RateLimiter limiter(bridge.item_rate, bridge.item_burst);
  beast::flat_buffer buffer;
  while (co_await gate.read(buffer)) {
    const auto access = co_await authorize(token_, *parts_.tokens, *parts_.metrics, event_id,
                                           services::auth::Access::report_presence);
    if (!access.allowed && !access.unavailable) {
      co_await ws_.async_close(refusal_close(access), use_tuple);
      break;
    }
    v1::OnlineRequest request;
    std::string error;
    if (!decode(beast::buffers_to_string(buffer.data()), encoding_, &request, &error)) {
      co_await send_error("malformed", error);
      continue;
    }
    if (request.kind_case() != v1::OnlineRequest::kBatch) continue;  // heartbeats need no answer
    auto& batch = *request.mutable_batch();
    if (auto why = wire::check_text_fields(batch, {{"bridge_id", 64}})) {
      co_await send_error("malformed", *why + ": nothing in this batch was applied");
      continue;
    }
    if (static_cast<std::size_t>(batch.events_size()) > kMaxBatch) {
      co_await send_error("too_large",
                          "at most " + std::to_string(kMaxBatch) + " events per batch");
      continue;
    }
    if (!limiter.allow(std::max(1, batch.events_size()))) {
      co_await send_error("rate_limited",
                          "too many events per second on this connection: nothing in this batch "
                          "was applied; send it again shortly");
      continue;
    }
    if (!batch.bridge_id().empty() && "bridge:" + batch.bridge_id() != holder.id) {
      parts_.leases->release(event_id, holder.id);
      holder.id = "bridge:" + batch.bridge_id();
      parts_.leases->hold(event_id, holder.id);
    }
    holder.lease_until_ms = parts_.leases->lease_until_ms();

    std::vector<v1::PresenceAck> acks(batch.events_size());
    std::vector<const v1::PresenceEvent*> valid;
    std::vector<int> positions;
    for (int i = 0; i < batch.events_size(); ++i) {
      auto* item = batch.mutable_events(i);
      if (auto why = presence::validate_presence(item, *parts_.countries, event_->config)) {
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
      const auto applied = co_await apply_presence(*parts_.commands, *parts_.metrics, *event_,
                                                   holder, batch.resync(), valid);
      for (std::size_t i = 0; i < applied.size(); ++i) acks[positions[i]] = applied[i];
    }
    v1::OnlineReply reply;
    for (auto& ack : acks) *reply.mutable_result()->add_acks() = std::move(ack);
    co_await send(reply);
  }
  parts_.leases->release(event_id, holder.id);
}

}  // namespace rollcall::gateway::server
