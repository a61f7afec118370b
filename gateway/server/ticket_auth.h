#pragma once

#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/url/params_view.hpp>

#include "gateway/server/context.h"
#include "gateway/server/http_routes.h"
#include "rollcall/v1/auth.pb.h"

namespace rollcall::gateway::server {

// Beacon tickets (services/auth/ticket.h) at the gateway: a public virtual-event page opens its
// participant's beacon with a ticket, never with a platform token.

// The ticket a beacon presented: ?ticket=T, or for browsers the subprotocol rollcall.ticket.T.
std::optional<std::string> presented_ticket(const Request& request,
                                            const boost::urls::params_view& params);

// The event's ticket key (32 bytes), made now when `create` and the event has none yet. Empty:
// the event has none; nullopt: Redis could not be asked.
boost::asio::awaitable<std::optional<std::string>> event_ticket_key(const Context& context,
                                                                    const EventInfo& event,
                                                                    bool create);

struct TicketDecision {
  bool allowed = false;
  bool unavailable = false;  // Redis could not be asked: try again
  bool forbidden = false;    // a genuine ticket asked for more than it grants: 4403, else 4401
  std::string refusal;       // the reason counted in rollcall_auth_failures_total
  std::string words;         // for the close reason
  v1::BeaconTicket claims;   // who the beacon is, when allowed
};

// Verifies a presented ticket before anything else happens on the connection: the MAC with the
// event's key, the event, the time, and that the query asks for nothing the ticket does not say
// (another participant, country, category or badge; bridge mode). Counts refusals.
boost::asio::awaitable<TicketDecision> check_beacon_ticket(std::string ticket,
                                                           const Context& context,
                                                           std::string event_id,
                                                           const boost::urls::params_view& params);

// 4401 (no valid ticket), 4403 (a ticket used beyond what it grants), 1013 (try again later).
boost::beast::websocket::close_reason refusal_close(const TicketDecision& decision);

}  // namespace rollcall::gateway::server
