#include "gateway/server/http_routes.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>

#include "gateway/server/request_auth.h"
#include "gateway/server/static_files.h"
#include "gateway/server/zoom_route.h"
#include "services/store/keys.h"
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

// Badges in the registry that are not revoked, in one round trip (SORT ... GET reads each
// badge's revoked field; the pattern keeps the event's hash tag). nullopt: Redis unavailable.
boost::asio::awaitable<std::optional<int>> registered_count(const Context& context,
                                                            const std::string& event_id) {
  std::vector<std::string> command = {
      "SORT", services::store::badges_key(event_id),
      "BY",   "nosort",
      "GET",  services::store::badge_key(event_id, "*") + "->revoked"};
  auto [ec, reply] = co_await context.commands->async_exec(
      std::move(command), boost::asio::as_tuple(boost::asio::use_awaitable));
  if (ec || reply.is_error()) co_return std::nullopt;
  int registered = 0;
  for (const auto& revoked : reply.elements) {
    if (revoked.type != redis::Reply::Type::nil && revoked.str != "1") ++registered;
  }
  co_return registered;
}

}  // namespace

http::response<http::string_body> error_response(const Request& request, http::status status,
                                                 std::string code, std::string message) {
  v1::Error error;
  error.set_code(std::move(code));
  error.set_message(std::move(message));
  return text_response(request, status, "application/json", encode(error, Encoding::json));
}

boost::asio::awaitable<http::message_generator> answer_http(
    Request request, std::shared_ptr<const Context> context) {
  const auto url = boost::urls::parse_origin_form(request.target());
  if (!url) {
    co_return error_response(request, http::status::bad_request, "bad_target",
                             "the request target is not a valid path");
  }
  const std::string path = url->path();
  if (request.method() == http::verb::post) {
    // Webhooks: /v1/events/EVENT/webhooks/zoom, or /v1/webhooks/zoom?event=EVENT.
    std::string event_id;
    if (path == "/v1/webhooks/zoom") {
      const auto param = url->params().find("event");
      if (param != url->params().end()) event_id = (*param).value;
    } else if (path.starts_with("/v1/events/") && path.ends_with("/webhooks/zoom")) {
      event_id = path.substr(11, path.size() - 11 - std::string_view("/webhooks/zoom").size());
    }
    if (!event_id.empty()) co_return co_await answer_zoom_webhook(request, *context, event_id);
  }
  if (request.method() != http::verb::get && request.method() != http::verb::head) {
    co_return error_response(request, http::status::method_not_allowed, "method_not_allowed",
                             "only GET and HEAD are served here");
  }
  if (path == "/healthz") {
    co_return text_response(request, http::status::ok, "text/plain", "ok\n");
  }
  const bool ready = context->commands->ready() && context->subscriber->ready() &&
                     context->durability_verified->load();
  if (path == "/metrics") {
    co_return text_response(request, http::status::ok, "text/plain; version=0.0.4",
                            context->metrics->render(ready));
  }
  if (path == "/readyz") {
    if (ready) {
      co_return text_response(request, http::status::ok, "text/plain", "ready\n");
    }
    co_return error_response(request, http::status::service_unavailable, "redis_unavailable",
                             "Redis is not reachable or its functions are not loaded yet");
  }
  constexpr std::string_view kEvents = "/v1/events/";
  if (path.starts_with(kEvents)) {
    std::string_view rest = std::string_view(path).substr(kEvents.size());
    const auto slash = rest.find('/');
    const std::string event_id(rest.substr(0, slash));
    const auto resource = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    if (resource != "/totals" && resource != "/badge-keys" && resource != "/info") {
      co_return error_response(request, http::status::not_found, "not_found",
                               "no such resource: " + path);
    }
    const auto access = resource == "/badge-keys" ? services::auth::Access::read_badge_keys
                                                  : services::auth::Access::watch_totals;
    const auto decision = co_await authorize(request, *context, event_id, access);
    if (!decision.allowed) co_return refusal_response(request, decision);
    const auto lookup = co_await context->events->find(event_id);
    if (lookup.unavailable) {
      co_return error_response(request, http::status::service_unavailable, "redis_unavailable",
                               "Redis is not reachable; try again shortly");
    }
    if (!lookup.event) {
      co_return error_response(request, http::status::not_found, "unknown_event",
                               "no event named \"" + event_id + "\"");
    }
    if (resource == "/badge-keys") {
      co_return text_response(request, http::status::ok, "application/json",
                              badge_keys_json(*lookup.event));
    }
    if (resource == "/info") {
      const auto registered = co_await registered_count(*context, event_id);
      if (!registered) {
        co_return error_response(request, http::status::service_unavailable, "redis_unavailable",
                                 "Redis is not reachable; try again shortly");
      }
      // {"event": Event, "registered": N}: the Event in protobuf's JSON mapping, as the
      // importer stored it (no personal data, no secret), and the count beside it.
      co_return text_response(request, http::status::ok, "application/json",
                              "{\"event\":" + encode(lookup.event->config, Encoding::json) +
                                  ",\"registered\":" + std::to_string(*registered) + "}");
    }
    auto totals = co_await context->hub->totals(event_id);
    if (!totals) {
      co_return error_response(request, http::status::service_unavailable, "redis_unavailable",
                               "Redis is not reachable; try again shortly");
    }
    co_return text_response(request, http::status::ok, "application/json",
                            encode(*totals, Encoding::json));
  }
  co_return serve_static(request, context->web_root, path);
}

}  // namespace rollcall::gateway::server
