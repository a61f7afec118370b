#include "gateway/event_directory.h"

#include <date/tz.h>
#include <google/protobuf/util/json_util.h>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/redis_failure.h"
#include "services/auth/ticket.h"
#include "services/registry/event_config.h"
#include "services/registry/utf8.h"
#include "services/store/event_reads.h"
#include "services/store/keys.h"
#include "services/store/reply_read.h"

namespace rollcall::gateway {

EventDirectory::EventDirectory(std::shared_ptr<redis::Commands> redis,
                               std::chrono::milliseconds time_margin,
                               std::shared_ptr<Metrics> metrics)
    : redis_(std::move(redis)),
      time_margin_(time_margin),
      metrics_(metrics ? std::move(metrics) : std::make_shared<Metrics>()) {}

boost::asio::awaitable<EventDirectory::Lookup> EventDirectory::find(std::string event_id) {
  namespace store = services::store;
  using boost::asio::use_awaitable;
  if (!services::registry::is_valid_event_id(event_id)) co_return Lookup{};
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (auto it = cache_.find(event_id);
        it != cache_.end() && now - it->second.fetched < kCacheFor) {
      co_return Lookup{it->second.event};
    }
  }
  // Every read below: Redis away or an answer of another shape is counted and logged, and the
  // event is unavailable rather than served half-read.
  auto failed = [&](const boost::system::error_code& ec, const store::ReplyError& error,
                    const redis::Reply& reply) {
    note_redis_failure(*metrics_, kSite, event_id,
                       ec ? link_failure(ec, redis_->last_error()) : store_failure(error, reply));
    return Lookup{.unavailable = true};
  };

  auto [ec, reply] = co_await redis_->async_exec(store::event_config_read(event_id), use_tuple);
  const auto stored = store::read_optional_text(reply, "the event's config (a string or nil)");
  if (ec || !stored) co_return failed(ec, stored.error, reply);
  if (!*stored)
    co_return Lookup{};  // no such event (misses are not cached: an import may
                         // create the event any moment)

  auto event = std::make_shared<EventInfo>();
  try {
    // The one reader of a stored config (services/registry/event_config.h), checked: a config
    // that does not parse or validate makes the event unavailable, never a half-read event.
    event->config = services::registry::parse_stored_event(**stored, event_id);
  } catch (const services::registry::EventConfigError& e) {
    note_redis_failure(*metrics_, kSite, event_id,
                       {.kind = "bad_config",
                        .cause = std::string("the stored event config is unusable: ") +
                                 services::registry::quote_input(e.what())});
    co_return Lookup{.unavailable = true};
  }
  try {
    event->zone = date::locate_zone(event->config.time_zone());
  } catch (const std::exception&) {
    event->zone = date::locate_zone("UTC");
  }
  event->days_window =
      services::checkin::event_time_window(event->config, event->zone, time_margin_);

  auto [keys_ec, keys_reply] =
      co_await redis_->async_exec(store::badge_keys_read(event_id), use_tuple);
  const auto keys = store::read_pairs(keys_reply, "the event's badge keys (an array)");
  if (keys_ec || !keys) co_return failed(keys_ec, keys.error, keys_reply);
  for (const auto& [key_id, json] : *keys) {
    v1::BadgeKey key;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    if (!google::protobuf::util::JsonStringToMessage(json, &key, options).ok()) {
      // Skipped (codes it signed are refused as unknown keys), but not silently.
      note_redis_failure(*metrics_, kSite, event_id,
                         {.kind = "bad_config",
                          .cause = "badge key \"" + services::registry::quote_input(key_id) +
                                   "\" is not a BadgeKey in JSON"});
      continue;
    }
    key.set_key_id(key_id);
    event->badge_keys.emplace(key_id, std::move(key));
  }

  auto [ticket_ec, ticket_reply] =
      co_await redis_->async_exec(store::secret_read(event_id, store::kTicketKeyField), use_tuple);
  const auto ticket_key =
      store::read_optional_text(ticket_reply, "the event's ticket key (a string or nil)");
  if (ticket_ec || !ticket_key) co_return failed(ticket_ec, ticket_key.error, ticket_reply);
  if (*ticket_key) {
    event->ticket_key = services::auth::ticket_key_bytes(**ticket_key).value_or(std::string());
  }

  std::lock_guard lock(mutex_);
  cache_[event_id] = Entry{event, now};
  co_return Lookup{event};
}

}  // namespace rollcall::gateway
