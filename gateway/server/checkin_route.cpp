#include "gateway/server/checkin_route.h"

#include "gateway/server/http_routes.h"
#include "gateway/server/request_auth.h"
#include "services/auth/token_info.h"
#include "services/registry/utf8.h"
#include "services/wire/codec.h"

namespace rollcall::gateway::server {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using services::wire::Encoding;

asio::awaitable<http::message_generator> answer_token_info(const Request& request,
                                                           const Context& context,
                                                           std::string event_id) {
  const auto decision = co_await authorize(request, context, std::move(event_id),
                                           services::auth::Access::read_token_info);
  if (!decision.allowed) co_return refusal_response(request, decision);
  // The decision carries what the record says (the desk id already resolved).
  v1::TokenRecord record;
  record.set_role(decision.role);
  record.set_name(decision.name);
  record.set_desk_id(decision.desk_id);
  for (const int scope : decision.scopes) record.add_scopes(static_cast<v1::Scope>(scope));
  co_return json_response(request, http::status::ok,
                          encode(services::auth::token_info(record), Encoding::json));
}

asio::awaitable<http::message_generator> answer_manual_checkin(const Request& request,
                                                               const Context& context,
                                                               std::string event_id) {
  const auto decision =
      co_await authorize(request, context, event_id, services::auth::Access::check_in_by_hand);
  if (!decision.allowed) co_return refusal_response(request, decision);
  if (decision.desk_id.empty()) {
    // Only desk tokens carry a desk the check-in counts for (access.cpp gives no other role
    // this access; should it ever, it still cannot count for a desk it does not have).
    co_return error_response(request, http::status::forbidden, "forbidden",
                             "only a registration desk's token checks people in by hand");
  }
  // The body was read within the server's request limit (http_session); the same decoding as
  // every JSON body: unknown members refused, the parser's words quoted bounded.
  v1::ManualCheckin checkin;
  std::string error;
  if (!services::wire::decode(request.body(), Encoding::json, &checkin, &error)) {
    context.metrics->count_scan("malformed");
    co_return error_response(
        request, http::status::bad_request, "malformed",
        "the body is not a ManualCheckin in JSON: " + services::registry::quote_input(error));
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
  // The token's desk, as on the desk channel: a body cannot name another.
  ScanHandler::Desk desk{.id = decision.desk_id, .token_id = decision.token_id};
  const auto result = co_await context.scans->check_in_by_hand(*lookup.event, checkin, desk);
  context.metrics->count_scan(v1::ScanStatus_Name(result.status()));
  if (result.status() == v1::malformed) {
    co_return error_response(request, http::status::bad_request, "malformed", result.reason());
  }
  if (result.status() == v1::unavailable) {
    co_return error_response(request, http::status::service_unavailable, "unavailable",
                             result.reason());
  }
  co_return json_response(request, http::status::ok, encode(result, Encoding::json));
}

}  // namespace rollcall::gateway::server
