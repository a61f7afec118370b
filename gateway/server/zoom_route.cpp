#include "gateway/server/zoom_route.h"

#include <spdlog/spdlog.h>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/presence_writer.h"
#include "services/checkin/scan_validator.h"
#include "services/presence/presence_items.h"
#include "services/presence/zoom_webhook.h"
#include "services/registry/utf8.h"
#include "services/store/event_reads.h"
#include "services/store/keys.h"

namespace rollcall::gateway::server {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace presence = services::presence;

asio::awaitable<http::message_generator> answer_zoom_webhook(const Request& request,
                                                             const Context& context,
                                                             std::string event_id) {
  const auto lookup = co_await context.events->find(event_id);
  if (lookup.unavailable) {
    co_return error_response(request, http::status::service_unavailable, "redis_unavailable",
                             "Redis is not reachable; Zoom will retry");
  }
  if (!lookup.event) {
    co_return error_response(
        request, http::status::not_found, "unknown_event",
        "no event named \"" + services::registry::quote_input(event_id) + "\"");
  }
  auto [ec, reply] = co_await context.commands->async_exec(
      services::store::secret_read(event_id, "zoom"), use_tuple);
  const auto stored = services::store::read_field(reply);
  if (ec || !stored) {
    co_return error_response(request, http::status::service_unavailable, "redis_unavailable",
                             "Redis is not reachable; Zoom will retry");
  }
  const std::string secret = stored->value_or(std::string());
  if (secret.empty()) {
    co_return error_response(request, http::status::forbidden, "no_webhook_secret",
                             "this event has no Zoom secret token configured");
  }
  const auto now_s = unix_ms_now() / 1000;
  if (auto why = presence::check_zoom_signature(secret, request["x-zm-request-timestamp"],
                                                request["x-zm-signature"], request.body(), now_s)) {
    co_return error_response(request, http::status::unauthorized, "bad_signature", *why);
  }
  std::string why;
  auto notification = presence::parse_zoom_notification(request.body(), &why);
  if (!notification) {
    co_return error_response(request, http::status::bad_request, "malformed", why);
  }
  auto respond = [&](http::status status, std::string body) {
    http::response<http::string_body> response{status, request.version()};
    response.set(http::field::content_type, "application/json");
    response.keep_alive(request.keep_alive());
    response.body() = std::move(body);
    response.prepare_payload();
    return response;
  };
  using Kind = presence::ZoomNotification::Kind;
  if (notification->kind == Kind::url_validation) {
    co_return respond(http::status::ok,
                      presence::zoom_url_validation_answer(secret, notification->plain_token));
  }
  if (notification->kind == Kind::ignored) co_return respond(http::status::ok, "{}");

  auto& item = notification->presence;
  // A registrant id that is a badge links the person to the registry; anything else is not.
  if (!item.badge_id().empty() && !services::checkin::is_identifier(item.badge_id())) {
    item.clear_badge_id();
  }
  if (auto invalid = presence::validate_presence(&item, *context.countries, lookup.event->config)) {
    co_return error_response(request, http::status::unprocessable_entity, "rejected", *invalid);
  }
  // Built outside the co_await: GCC 12 miscompiles braced initializers inside its operand.
  const presence::Holder zoom{.id = "zoom", .via = "webhook"};
  const std::vector<const v1::PresenceEvent*> items{&item};
  const auto acks = co_await apply_presence(*context.commands, *context.metrics, *lookup.event,
                                            zoom, false, items);
  if (acks.front().status() == v1::PresenceAck::unavailable) {
    // Zoom retries on errors: the same delivery will be counted once when Redis is back.
    co_return error_response(request, http::status::service_unavailable, "redis_unavailable",
                             "Redis is not reachable; Zoom will retry");
  }
  auto ack = acks.front();
  if (!notification->unreadable_time.empty()) {
    // Counted at the server's time, like any client time the server does not believe.
    context.metrics->count_client_time_ignored("webhook", "invalid");
    spdlog::warn("event {} zoom presence {}: time {} is no RFC 3339 time", event_id,
                 ack.presence_id(), notification->unreadable_time);
    ack.set_time_ignored(true);
    ack.set_reason(ack.reason() + "; its time " + notification->unreadable_time +
                   " is no RFC 3339 time: the server's time counted");
  }
  co_return respond(http::status::ok, encode(ack, services::wire::Encoding::json));
}

}  // namespace rollcall::gateway::server
