#include "gateway/server/websocket_session.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/url/parse.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/server/beacon_session.h"
#include "gateway/server/desk_session.h"
#include "gateway/server/display_session.h"
#include "gateway/server/frame_gate.h"
#include "gateway/server/online_session.h"
#include "gateway/server/request_auth.h"
#include "gateway/server/routes.h"
#include "gateway/server/ticket_auth.h"
#include "gateway/server/venue_desk.h"
#include "gateway/server/venue_route.h"
#include "services/registry/utf8.h"

namespace rollcall::gateway::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using services::wire::Encoding;
using services::wire::kJsonSubprotocol;

// Browsers can only choose the format through the subprotocol list.
Encoding negotiated_encoding(const Request& request) {
  const auto offered = request[http::field::sec_websocket_protocol];
  std::string_view rest = offered;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    auto item = rest.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == kJsonSubprotocol) return Encoding::json;
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  }
  return Encoding::binary;
}

// A display or desk for a venue that is not there (1008) or cannot be read (1013); a display is
// told in an error frame first, as for an unknown event.
asio::awaitable<void> refuse_venue(WebSocket& ws, Encoding encoding, bool unavailable,
                                   bool error_frame, const std::string& words) {
  const auto reason = unavailable ? websocket::close_reason(websocket::close_code::try_again_later,
                                                            "redis unavailable, try again")
                                  : websocket::close_reason(websocket::close_code::policy_error,
                                                            words.substr(0, 120));
  v1::DisplayMessage message;
  message.mutable_error()->set_code(unavailable ? "unavailable" : "unknown_venue");
  message.mutable_error()->set_message(std::string(reason.reason.c_str()));
  if (error_frame) {
    const auto frame = encode(message, encoding);
    co_await ws.async_write(asio::buffer(frame), use_tuple);
  }
  co_await ws.async_close(reason, use_tuple);
}

// A channel's session runs detached from the upgrade, whose request and lookups are freed: only
// the session and its connection's place under the limits live as long as the channel.
// A RawChannel holds its slot itself: its run() returns once it is reading, and nothing of the
// coroutine stays under an idle connection.
template <class Session>
asio::awaitable<void> serve(std::shared_ptr<Session> session,
                            std::unique_ptr<ConnectionLimits::Slot> slot) {
  if constexpr (std::is_base_of_v<RawChannel, Session>) session->hold(std::move(slot));
  co_await session->run();
}

// Displays, beacons and bridges hold places outside their connection (the hub's feeds, presence
// leases held and released by hand), which a throw could leave taken for good: it stops the
// gateway (rethrow_to_pool), whose leases then lapse, as any handler of theirs already does. A
// desk's state is its own: DeskChannel ends that desk alone on a throw while answering.
template <class Session>
void start(std::shared_ptr<Session> session, std::unique_ptr<ConnectionLimits::Slot> slot) {
  auto executor = session->get_executor();
  asio::co_spawn(executor, serve(std::move(session), std::move(slot)), rethrow_to_pool);
}

// A channel that reads no token again after the upgrade is watched for its token's refusal.
void watch_token(const Context& context, const Request& request, const std::string& event_id,
                 services::auth::Access access, const std::shared_ptr<RawChannel>& channel) {
  if (context.token_watch) {
    context.token_watch->watch(event_id, presented_token(request), access, channel);
  }
}

}  // namespace

asio::awaitable<void> run_websocket(FlexStream stream, Request request,
                                    std::shared_ptr<const Context> context,
                                    std::unique_ptr<ConnectionLimits::Slot> slot) {
  const auto url = boost::urls::parse_origin_form(request.target());
  const std::string path = url ? std::string(url->path()) : std::string();
  const bool desk = path == "/v1/desk";
  const bool online = path == "/v1/online";
  // Only channels the route catalogue (routes.cpp) lists: the attack tests walk it.
  const auto found =
      url ? find_route(request.method_string(), RouteKind::websocket, *url) : RouteLookup{};
  const bool listed = found.match.has_value();
  // /v1/display?venue=V: a venue's totals under its feed id "@V" (docs/venues.md); /v1/desk?venue=V
  // a desk for every event of the venue, with a token of the venue.
  const bool venue = listed && (found.match->route->id == RouteId::venue_display ||
                                found.match->route->id == RouteId::venue_desk);
  if (!listed || (!desk && !online && path != "/v1/display")) {
    auto response = error_response(request, http::status::not_found, "not_found",
                                   "WebSocket channels are /v1/desk, /v1/online and /v1/display");
    co_await http::async_write(stream, response, use_tuple);
    co_return;
  }
  const auto event_param = url->params().find("event");
  if (venue ? found.match->event_missing
            : event_param == url->params().end() || !(*event_param).has_value) {
    auto response = error_response(request, http::status::bad_request, "missing_event",
                                   venue ? "name the venue: " + path + "?venue=VENUE"
                                         : "name the event: " + path + "?event=EVENT");
    co_await http::async_write(stream, response, use_tuple);
    co_return;
  }
  const std::string event_id = venue ? found.match->event_id : std::string((*event_param).value);
  const auto encoding = negotiated_encoding(request);
  const auto access = desk     ? services::auth::Access::scan
                      : online ? services::auth::Access::report_presence
                               : services::auth::Access::watch_totals;
  // A beacon ticket, when presented, is the only credential looked at: it names the participant.
  const auto ticket = online ? presented_ticket(request, url->params()) : std::nullopt;
  TokenDirectory::Decision decision;
  TicketDecision ticket_decision;
  if (ticket) {
    ticket_decision = co_await check_beacon_ticket(*ticket, *context, event_id, url->params());
  } else {
    decision = co_await authorize(request, *context, event_id, access);
  }

  WebSocket ws(std::move(stream));
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.idle_timeout = context->limits.idle_timeout;
  ws.set_option(timeouts);
  ws.set_option(websocket::stream_base::decorator([encoding](websocket::response_type& response) {
    response.set(http::field::server, "rollcall");
    if (encoding == Encoding::json) {
      response.set(http::field::sec_websocket_protocol, kJsonSubprotocol);
    }
  }));
  ws.read_message_max(context->limits.max_frame);
  auto [accept_ec] = co_await ws.async_accept(request, use_tuple);
  if (accept_ec) co_return;
  ws.text(encoding == Encoding::json);
  if (ticket ? !ticket_decision.allowed : !decision.allowed) {
    const auto reason = ticket ? refusal_close(ticket_decision) : refusal_close(decision);
    co_await ws.async_close(reason, use_tuple);
    co_return;
  }

  if (venue) {
    const auto venue_lookup = co_await find_venue(*context, found.match->venue);
    if (!venue_lookup.venue) {
      co_await refuse_venue(
          ws, encoding, venue_lookup.unavailable, /*error_frame=*/!desk,
          "unknown venue: " + services::registry::quote_input(found.match->venue, 64));
      co_return;
    }
    if (desk) {
      start(std::make_shared<VenueDeskSession>(std::move(ws), *venue_lookup.venue, encoding,
                                               presented_token(request), decision,
                                               DeskParts::of(*context)),
            std::move(slot));
      co_return;
    }
    auto display = std::make_shared<DisplaySession>(std::move(ws), event_id, encoding,
                                                    DisplayParts::of(*context));
    watch_token(*context, request, event_id, access, display);
    start(std::move(display), std::move(slot));
    co_return;
  }
  const auto lookup = co_await context->events->find(event_id);
  if (!lookup.event) {
    const auto reason =
        lookup.unavailable ? websocket::close_reason(websocket::close_code::try_again_later,
                                                     "redis unavailable, try again")
                           : websocket::close_reason(
                                 websocket::close_code::policy_error,
                                 "unknown event: " + services::registry::quote_input(event_id, 64));
    if (!desk && !online) {
      v1::DisplayMessage message;
      message.mutable_error()->set_code(lookup.unavailable ? "unavailable" : "unknown_event");
      message.mutable_error()->set_message(std::string(reason.reason.c_str()));
      const auto frame = encode(message, encoding);
      co_await ws.async_write(asio::buffer(frame), use_tuple);
    }
    co_await ws.async_close(reason, use_tuple);
    co_return;
  }
  if (desk) {
    start(
        std::make_shared<DeskSession>(std::move(ws), lookup.event, encoding,
                                      presented_token(request), decision, DeskParts::of(*context)),
        std::move(slot));
  } else if (online) {
    auto query = OnlineQuery::of(url->params());
    if (ticket || query.has_participant) {
      auto beacon = std::make_shared<BeaconSession>(
          std::move(ws), lookup.event, encoding, query,
          ticket ? std::optional(std::move(ticket_decision.claims)) : std::nullopt,
          OnlineParts::of(*context));
      // A ticket is signed and carries its own expiry: only a token can be revoked.
      if (!ticket) watch_token(*context, request, event_id, access, beacon);
      start(std::move(beacon), std::move(slot));
    } else {
      start(std::make_shared<OnlineSession>(std::move(ws), lookup.event, encoding, std::move(query),
                                            presented_token(request), OnlineParts::of(*context)),
            std::move(slot));
    }
  } else {
    auto display = std::make_shared<DisplaySession>(std::move(ws), event_id, encoding,
                                                    DisplayParts::of(*context));
    watch_token(*context, request, event_id, access, display);
    start(std::move(display), std::move(slot));
  }
}

}  // namespace rollcall::gateway::server
