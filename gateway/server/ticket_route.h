#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http.hpp>

#include "gateway/server/context.h"
#include "gateway/server/http_routes.h"

namespace rollcall::gateway::server {

// POST /v1/events/EVENT/tickets (platform token), body a TicketRequest in JSON: a beacon ticket
// for one remote participant, answered as a TicketGrant. The platform's server calls it and
// puts the ticket in that participant's page, which then never holds the platform token.
boost::asio::awaitable<boost::beast::http::message_generator> answer_ticket_request(
    const Request& request, const Context& context, std::string event_id);

}  // namespace rollcall::gateway::server
