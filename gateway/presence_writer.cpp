#include "gateway/presence_writer.h"

#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

#include "gateway/asio_tokens.h"
#include "gateway/redis_failure.h"
#include "gateway/totals_hub.h"
#include "services/registry/utf8.h"
#include "services/store/presence_call.h"

namespace rollcall::gateway {

namespace asio = boost::asio;
namespace presence = services::presence;

asio::awaitable<std::vector<v1::PresenceAck>> apply_presence(
    redis::Commands& redis, Metrics& metrics, const EventInfo& event,
    const presence::Holder& holder, bool resync, std::vector<const v1::PresenceEvent*> items) {
  const auto now = unix_ms_now();
  // Times the server does not believe are dropped from copies of their items (the server's time
  // counts instead) and their acks flagged.
  const auto window = services::checkin::client_time_window(event.days_window, now);
  std::vector<v1::PresenceEvent> corrected;
  corrected.reserve(items.size());  // stable addresses for the pointers below
  std::vector<std::optional<std::string>> ignored(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i]->has_time() || services::checkin::believed_ms(items[i]->time(), window)) {
      continue;
    }
    metrics.count_client_time_ignored(
        holder.via, services::checkin::ignored_time_kind(items[i]->time(), window));
    auto& copy = corrected.emplace_back(*items[i]);
    ignored[i] = presence::drop_unbelieved_time(&copy, window);
    spdlog::warn("event {} {} {} presence {}: {}", event.config.event_id(), holder.via,
                 services::registry::quote_for_log(holder.id),
                 services::registry::quote_for_log(items[i]->presence_id()), *ignored[i]);
    items[i] = &copy;
  }
  const services::checkin::ScanTiming timing{
      .effective_ms = now,
      .day = services::checkin::local_day(now, event.zone),
      .minute = services::checkin::local_minute(now, event.zone)};
  auto command =
      presence::presence_command(event.config.event_id(), holder, timing, now, resync, items);
  auto [ec, reply] = co_await redis.async_exec(std::move(command), use_tuple);
  std::vector<v1::PresenceAck> acks;
  std::optional<RedisFailure> failure;
  if (ec) {
    failure = link_failure(ec, redis.last_error());
  } else if (auto read = services::store::read_presence_reply(reply, items.size()); !read) {
    failure = store_failure(read.error, reply);
  } else if (!presence::read_presence_reply(*read, items, &acks)) {
    failure =
        RedisFailure{.kind = "reply_shape",
                     .cause = "the presence function's reply for " + std::to_string(items.size()) +
                              " items names a status this gateway does not know"};
  }
  if (!failure) {
    for (std::size_t i = 0; i < acks.size(); ++i) {
      metrics.count_presence(v1::PresenceAck::Status_Name(acks[i].status()));
      if (!ignored[i]) continue;
      acks[i].set_time_ignored(true);
      acks[i].set_reason(acks[i].reason() + "; its " + *ignored[i]);
    }
    co_return acks;
  }
  note_redis_failure(metrics, "presence", event.config.event_id(), *failure);
  acks.clear();
  for (const auto* item : items) {
    acks.push_back(presence::presence_ack(item->presence_id(), v1::PresenceAck::unavailable));
    metrics.count_presence("unavailable");
  }
  co_return acks;
}

}  // namespace rollcall::gateway
