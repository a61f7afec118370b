#include "gateway/event_directory.h"

#include <date/tz.h>
#include <google/protobuf/util/json_util.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/redis_failure.h"
#include "services/auth/ticket.h"
#include "services/registry/event_config.h"
#include "services/store/keys.h"

namespace rollcall::gateway {

EventDirectory::EventDirectory(std::shared_ptr<redis::Commands> redis,
                               std::chrono::milliseconds time_margin)
    : redis_(std::move(redis)), time_margin_(time_margin) {}

boost::asio::awaitable<EventDirectory::Lookup> EventDirectory::find(std::string event_id) {
  if (!services::registry::is_valid_event_id(event_id)) co_return Lookup{};
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (auto it = cache_.find(event_id);
        it != cache_.end() && now - it->second.fetched < kCacheFor) {
      co_return Lookup{it->second.event};
    }
  }
  // Built outside the co_await: GCC 12 miscompiles initializer lists inside co_await operands.
  std::vector<std::string> command{"HGET", services::store::event_key(event_id), "config"};
  auto [ec, reply] = co_await redis_->async_exec(std::move(command),
                                                 boost::asio::as_tuple(boost::asio::use_awaitable));
  if (ec || (reply.type != redis::Reply::Type::string && reply.type != redis::Reply::Type::nil)) {
    log_redis_failure("event", event_id,
                      ec ? link_failure(ec, redis_->last_error())
                         : reply_failure(reply, "the event's config (a string or nil)"));
    co_return Lookup{.unavailable = true};
  }

  std::shared_ptr<EventInfo> event;
  if (reply.type == redis::Reply::Type::string) {
    event = std::make_shared<EventInfo>();
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;  // written by a newer importer
    (void)google::protobuf::util::JsonStringToMessage(reply.str, &event->config, options);
    event->config.set_event_id(event_id);
    try {
      event->zone =
          date::locate_zone(event->config.time_zone().empty() ? "UTC" : event->config.time_zone());
    } catch (const std::exception&) {
      event->zone = date::locate_zone("UTC");
    }
    event->days_window =
        services::checkin::event_time_window(event->config, event->zone, time_margin_);
  }
  if (event) {
    std::vector<std::string> keys_command{"HGETALL", services::store::badge_keys_key(event_id)};
    auto [keys_ec, keys] = co_await redis_->async_exec(
        std::move(keys_command), boost::asio::as_tuple(boost::asio::use_awaitable));
    if (keys_ec || keys.type != redis::Reply::Type::array) {
      log_redis_failure("event", event_id,
                        keys_ec ? link_failure(keys_ec, redis_->last_error())
                                : reply_failure(keys, "the event's badge keys (an array)"));
      co_return Lookup{.unavailable = true};
    }
    const auto fields = std::move(keys).element_texts();
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
      v1::BadgeKey key;
      google::protobuf::util::JsonParseOptions options;
      options.ignore_unknown_fields = true;
      if (google::protobuf::util::JsonStringToMessage(fields[i + 1], &key, options).ok()) {
        key.set_key_id(fields[i]);
        event->badge_keys.emplace(fields[i], std::move(key));
      }
    }
  }
  if (event) {
    std::vector<std::string> key_command{"HGET", services::store::secrets_key(event_id),
                                         std::string(services::store::kTicketKeyField)};
    auto [key_ec, key] = co_await redis_->async_exec(
        std::move(key_command), boost::asio::as_tuple(boost::asio::use_awaitable));
    if (key_ec || (key.type != redis::Reply::Type::string && key.type != redis::Reply::Type::nil)) {
      log_redis_failure("event", event_id,
                        key_ec ? link_failure(key_ec, redis_->last_error())
                               : reply_failure(key, "the event's ticket key (a string or nil)"));
      co_return Lookup{.unavailable = true};
    }
    if (key.type == redis::Reply::Type::string) {
      event->ticket_key = services::auth::ticket_key_bytes(key.str).value_or(std::string());
    }
  }
  if (event) {  // misses are not cached: an import may create the event any moment
    std::lock_guard lock(mutex_);
    cache_[event_id] = Entry{event, now};
  }
  co_return Lookup{event};
}

}  // namespace rollcall::gateway
