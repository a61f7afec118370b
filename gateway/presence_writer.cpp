#include "gateway/presence_writer.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/totals_hub.h"

namespace rollcall::gateway {

namespace asio = boost::asio;
namespace presence = services::presence;

asio::awaitable<std::vector<v1::PresenceAck>> apply_presence(
    redis::Connection& redis, Metrics& metrics, const EventInfo& event,
    const presence::Holder& holder, bool resync, std::vector<const v1::PresenceEvent*> items) {
  const auto now = unix_ms_now();
  const services::checkin::ScanTiming timing{
      .effective_ms = now,
      .day = services::checkin::local_day(now, event.zone),
      .minute = services::checkin::local_minute(now, event.zone)};
  auto command =
      presence::presence_command(event.config.event_id(), holder, timing, now, resync, items);
  auto [ec, reply] =
      co_await redis.async_exec(std::move(command), asio::as_tuple(asio::use_awaitable));
  std::vector<v1::PresenceAck> acks;
  if (!ec && reply.type == redis::Reply::Type::array &&
      presence::read_presence_reply(std::move(reply).element_texts(), items, &acks)) {
    for (const auto& ack : acks) metrics.count_presence(v1::PresenceAck::Status_Name(ack.status()));
    co_return acks;
  }
  acks.clear();
  for (const auto* item : items) {
    acks.push_back(presence::presence_ack(item->presence_id(), v1::PresenceAck::unavailable));
    metrics.count_presence("unavailable");
  }
  co_return acks;
}

}  // namespace rollcall::gateway
