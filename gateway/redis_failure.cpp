#include "gateway/redis_failure.h"

#include <map>
#include <mutex>

#include <spdlog/spdlog.h>

#include "gateway/server/log_throttle.h"
#include "redis/error.h"
#include "services/registry/utf8.h"

namespace rollcall::gateway {
namespace {

std::string_view type_name(redis::Reply::Type type) {
  switch (type) {
    case redis::Reply::Type::string:
      return "string";
    case redis::Reply::Type::array:
      return "array";
    case redis::Reply::Type::integer:
      return "integer";
    case redis::Reply::Type::nil:
      return "nil";
    case redis::Reply::Type::status:
      return "status";
    case redis::Reply::Type::error:
      return "error";
  }
  return "unknown";
}

}  // namespace

std::string quote_redis_text(std::string_view text) {
  text = text.substr(0, 4 * services::registry::kMaxQuoted);  // quote_input keeps far less
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      escaped += fmt::format("\\x{:02x}", byte);
    } else {
      escaped += c;
    }
  }
  return services::registry::quote_input(escaped);
}

RedisFailure link_failure(const boost::system::error_code& ec, std::string_view link_error) {
  std::string cause = ec.message();
  // Not connected: the connection's own account of why (refused, reset, health check...).
  if (ec == redis::error::unavailable && !link_error.empty()) {
    cause += ": " + quote_redis_text(link_error);
  }
  return {.kind = "link", .cause = std::move(cause)};
}

RedisFailure reply_failure(const redis::Reply& reply, std::string_view expected) {
  if (reply.is_error()) {
    return {.kind = "error_reply",
            .cause = "Redis answered \"" + quote_redis_text(reply.str) + "\""};
  }
  std::string shape(type_name(reply.type));
  if (reply.type == redis::Reply::Type::array) {
    shape += " of " + std::to_string(reply.elements.size()) + " elements";
  }
  return {.kind = "reply_shape",
          .cause = "Redis answered " + shape + " where " + std::string(expected) + " was expected"};
}

RedisFailure store_failure(const services::store::ReplyError& error) {
  return {.kind = error.kind, .cause = error.cause};
}

RedisFailure store_failure(const services::store::ReplyError& error, const redis::Reply& reply) {
  if (reply.is_error()) return reply_failure(reply, {});
  return store_failure(error);
}

namespace {

// The log line, at most one per site and second.
void log_redis_failure(std::string_view site, std::string_view event_id,
                       const RedisFailure& failure) {
  static std::mutex mutex;
  static std::map<std::string, server::LogThrottle, std::less<>> throttles;
  std::optional<std::uint64_t> admitted;
  {
    std::lock_guard lock(mutex);
    auto it = throttles.find(site);
    if (it == throttles.end()) it = throttles.try_emplace(std::string(site), 1.0).first;
    admitted = it->second.admit();
  }
  if (!admitted) return;
  spdlog::warn("redis failure ({}) answering {} of event \"{}\" `unavailable`: {}{}", failure.kind,
               site, services::registry::quote_for_log(event_id), failure.cause,
               *admitted
                   ? fmt::format(" ({} more {} failures since the last such line)", *admitted, site)
                   : std::string());
}

}  // namespace

void note_redis_failure(Metrics& metrics, std::string_view site, std::string_view event_id,
                        const RedisFailure& failure) {
  metrics.count_redis_failure(site, failure.kind);
  log_redis_failure(site, event_id, failure);
}

}  // namespace rollcall::gateway
