#include "gateway/server/desk_sync_route.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "gateway/server/registry_loader.h"
#include "gateway/server/request_auth.h"
#include "services/checkin/desk_sync.h"
#include "services/wire/codec.h"

namespace rollcall::gateway::server {

namespace http = boost::beast::http;

boost::asio::awaitable<http::message_generator> answer_desk_sync(const Request& request,
                                                                 const Context& context,
                                                                 std::string event_id) {
  const auto decision =
      co_await authorize(request, context, event_id, services::auth::Access::read_desk_sync);
  if (!decision.allowed) co_return refusal_response(request, decision);
  const auto lookup = co_await context.events->find(event_id);
  if (lookup.unavailable) {
    co_return error_response(request, http::status::service_unavailable, "redis_unavailable",
                             "Redis is not reachable; try again shortly");
  }
  if (!lookup.event) {
    co_return error_response(request, http::status::not_found, "unknown_event", "no such event");
  }
  const auto registry = co_await load_registry(context, event_id);
  if (!registry) {
    co_return error_response(request, http::status::service_unavailable, "redis_unavailable",
                             "Redis is not reachable; try again shortly");
  }
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const auto sync = services::checkin::build_desk_sync(
      lookup.event->config, *registry, services::checkin::new_desk_sync_salt(), now);
  if (!sync) {
    // Degraded: desks of this event cannot decide offline (they say so on their screen).
    context.metrics->count_limit_rejection("desk_sync_badges");
    spdlog::warn("desk sync refused for event {}: {} badges, at most {}", event_id,
                 registry->size(), services::checkin::kMaxDeskSyncBadges);
    co_return error_response(request, http::status::service_unavailable, "registry_too_large",
                             "the registry has more badges than a desk sync may carry (" +
                                 std::to_string(services::checkin::kMaxDeskSyncBadges) + ")");
  }
  http::response<http::string_body> response{http::status::ok, request.version()};
  response.set(http::field::server, "rollcall");
  response.set(http::field::content_type, "application/json");
  response.set(http::field::cache_control, "no-store");
  response.keep_alive(request.keep_alive());
  response.body() = services::wire::encode(*sync, services::wire::Encoding::json);
  response.prepare_payload();
  co_return response;
}

}  // namespace rollcall::gateway::server
