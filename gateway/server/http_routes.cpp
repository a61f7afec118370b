#include "gateway/server/http_routes.h"

#include <boost/asio/use_awaitable.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/redis_failure.h"
#include "gateway/server/attendee_route.h"
#include "gateway/server/badge_pdf_route.h"
#include "gateway/server/checkin_route.h"
#include "gateway/server/desk_sync_route.h"
#include "gateway/server/registration_route.h"
#include "gateway/server/static_files.h"
#include "gateway/server/ticket_route.h"
#include "gateway/server/venue_route.h"
#include "gateway/server/zoom_route.h"
#include "services/registry/utf8.h"
#include "services/store/keys.h"
#include "services/store/registry_reader.h"
#include "services/wire/codec.h"

namespace rollcall::gateway::server {
namespace {

namespace http = boost::beast::http;
using services::wire::Encoding;

http::response<http::string_body> text_response(const Request& request, http::status status,
                                                std::string content_type, std::string body) {
  http::response<http::string_body> response{status, request.version()};
  response.set(http::field::server, "rollcall");
  response.set(http::field::content_type, content_type);
  response.set(http::field::cache_control, "no-store");
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

// The event's badge-signing public keys, so a kiosk can verify codes while offline:
// {"keys":[{"key_id":"...","public_key":"<base64>","created_at":"...","retired_at":"..."}]}
std::string badge_keys_json(const EventInfo& event) {
  v1::BadgeKeys keys;
  for (const auto& [id, key] : event.badge_keys) *keys.add_keys() = key;
  return encode(keys, Encoding::json);
}

// Badges in the registry that are not revoked, in one round trip (rollcall_registry reads each
// badge's revoked field, in the event's slot). nullopt: Redis unavailable.
boost::asio::awaitable<std::optional<int>> registered_count(const Context& context,
                                                            const std::string& event_id) {
  auto [ec, reply] = co_await context.commands->async_exec(
      services::store::registered_count_read(event_id), use_tuple);
  const auto registered = services::store::read_registered_count(reply);
  if (ec || !registered) {
    note_redis_failure(*context.metrics, "registered_count", event_id,
                       ec ? link_failure(ec, context.commands->last_error())
                          : store_failure(registered.error, reply));
    co_return std::nullopt;
  }
  co_return *registered;
}

}  // namespace

http::response<http::string_body> error_response(const Request& request, http::status status,
                                                 std::string code, std::string message) {
  v1::Error error;
  error.set_code(std::move(code));
  error.set_message(std::move(message));
  return text_response(request, status, "application/json", encode(error, Encoding::json));
}

http::response<http::string_body> json_response(const Request& request, http::status status,
                                                std::string body) {
  return text_response(request, status, "application/json", std::move(body));
}

boost::asio::awaitable<http::message_generator> answer_http(
    Request request, RouteMatch route, std::shared_ptr<const Context> context) {
  const auto ready = [&] {
    return context->commands->ready() && context->subscriber->ready() &&
           context->durability_verified->load();
  };
  switch (route.route->id) {
    case RouteId::healthz:
      co_return text_response(request, http::status::ok, "text/plain", "ok\n");
    case RouteId::metrics:
      co_return text_response(request, http::status::ok, "text/plain; version=0.0.4",
                              context->metrics->render(ready()));
    case RouteId::readyz:
      if (ready()) co_return text_response(request, http::status::ok, "text/plain", "ready\n");
      co_return error_response(request, http::status::service_unavailable, "redis_unavailable",
                               "Redis is not reachable or its functions are not loaded yet");
    case RouteId::zoom_webhook:
    case RouteId::zoom_webhook_query:
      if (route.event_missing) {
        co_return error_response(request, http::status::bad_request, "missing_event",
                                 "name the event: /v1/webhooks/zoom?event=EVENT");
      }
      co_return co_await answer_zoom_webhook(request, *context, route.event_id);
    case RouteId::desk_sync:
      co_return co_await answer_desk_sync(request, *context, route.event_id);
    case RouteId::tickets:
      co_return co_await answer_ticket_request(request, *context, route.event_id);
    case RouteId::attendees:
      co_return co_await answer_attendee_lookup(request, *context, route.event_id);
    case RouteId::walk_ins:
      co_return co_await answer_walk_in(request, *context, route.event_id);
    case RouteId::badge_replacement:
      co_return co_await answer_replacement(request, *context, route.event_id, route.badge);
    case RouteId::badge_pdf:
      co_return co_await answer_badge_pdf(request, *context, route.event_id, route.badge);
    case RouteId::token_info:
      co_return co_await answer_token_info(request, *context, route.event_id);
    case RouteId::manual_checkins:
      co_return co_await answer_manual_checkin(request, *context, route.event_id);
    case RouteId::venue_totals:
    case RouteId::venue_info:
      co_return co_await answer_venue(request, *context, route);
    case RouteId::totals:
    case RouteId::badge_keys:
    case RouteId::info:
      break;
    case RouteId::static_file:
      co_return serve_static(request, *context, route.path);
    case RouteId::export_file:
    case RouteId::rejected_scans:
    case RouteId::desk:
    case RouteId::online:
    case RouteId::display:
    case RouteId::venue_display:
    case RouteId::venue_desk:
      // Served by http_session (streamed) and websocket_session; never routed here.
      co_return error_response(request, http::status::not_found, "not_found",
                               "not served over plain HTTP");
  }
  const auto lookup = co_await context->events->find(route.event_id);
  if (lookup.unavailable) {
    co_return error_response(request, http::status::service_unavailable, "redis_unavailable",
                             "Redis is not reachable; try again shortly");
  }
  if (!lookup.event) {
    co_return error_response(
        request, http::status::not_found, "unknown_event",
        "no event named \"" + services::registry::quote_input(route.event_id) + "\"");
  }
  if (route.route->id == RouteId::badge_keys) {
    co_return text_response(request, http::status::ok, "application/json",
                            badge_keys_json(*lookup.event));
  }
  if (route.route->id == RouteId::info) {
    const auto registered = co_await registered_count(*context, route.event_id);
    if (!registered) {
      co_return error_response(request, http::status::service_unavailable, "redis_unavailable",
                               "Redis is not reachable; try again shortly");
    }
    // {"event": Event, "registered": N}: the Event in protobuf's JSON mapping, as the importer
    // stored it (no personal data, no secret), and the count beside it.
    co_return text_response(request, http::status::ok, "application/json",
                            "{\"event\":" + encode(lookup.event->config, Encoding::json) +
                                ",\"registered\":" + std::to_string(*registered) + "}");
  }
  auto totals = co_await context->hub->totals(route.event_id);
  if (!totals) {
    co_return error_response(request, http::status::service_unavailable, "redis_unavailable",
                             "Redis is not reachable; try again shortly");
  }
  co_return text_response(request, http::status::ok, "application/json",
                          encode(*totals, Encoding::json));
}

}  // namespace rollcall::gateway::server
