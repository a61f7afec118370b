#include "gateway/server/ticket_route.h"

#include <google/protobuf/util/time_util.h>

#include "gateway/server/request_auth.h"
#include "gateway/server/ticket_auth.h"
#include "gateway/totals_hub.h"
#include "services/auth/ticket.h"
#include "services/presence/ticket_claims.h"
#include "services/registry/utf8.h"
#include "services/wire/codec.h"

namespace rollcall::gateway::server {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using services::wire::Encoding;

asio::awaitable<http::message_generator> answer_ticket_request(const Request& request,
                                                               const Context& context,
                                                               std::string event_id) {
  const auto decision =
      co_await authorize(request, context, event_id, services::auth::Access::issue_tickets);
  if (!decision.allowed) co_return refusal_response(request, decision);
  v1::TicketRequest wanted;
  std::string error;
  if (!services::wire::decode(request.body(), Encoding::json, &wanted, &error)) {
    co_return error_response(
        request, http::status::bad_request, "malformed",
        "the body is not a TicketRequest in JSON: " + services::registry::quote_input(error));
  }
  const auto lookup = co_await context.events->find(event_id);
  if (lookup.unavailable) {
    co_return error_response(request, http::status::service_unavailable, "redis_unavailable",
                             "Redis is not reachable; try again shortly");
  }
  if (!lookup.event) {
    co_return error_response(
        request, http::status::not_found, "unknown_event",
        "no event named \"" + services::registry::quote_input(event_id) + "\"");
  }
  v1::BeaconTicket claims;
  if (auto why = services::presence::ticket_claims(wanted, *context.countries, lookup.event->config,
                                                   unix_ms_now() / 1000, &claims)) {
    co_return error_response(request, http::status::unprocessable_entity, "rejected",
                             services::registry::quote_input(*why, 256));
  }
  const auto key = co_await event_ticket_key(context, *lookup.event, true);
  if (!key || key->empty()) {
    co_return error_response(request, http::status::service_unavailable, "redis_unavailable",
                             "the event's ticket key cannot be read; try again shortly");
  }
  v1::TicketGrant grant;
  grant.set_ticket(services::auth::sign_ticket(claims, *key));
  *grant.mutable_expires_at() =
      google::protobuf::util::TimeUtil::SecondsToTimestamp(claims.expires_at());
  http::response<http::string_body> response{http::status::ok, request.version()};
  response.set(http::field::server, "rollcall");
  response.set(http::field::content_type, "application/json");
  response.set(http::field::cache_control, "no-store");
  response.keep_alive(request.keep_alive());
  response.body() = encode(grant, Encoding::json);
  response.prepare_payload();
  co_return response;
}

}  // namespace rollcall::gateway::server
