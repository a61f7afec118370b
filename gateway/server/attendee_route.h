#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http.hpp>

#include "gateway/server/context.h"
#include "gateway/server/http_routes.h"

namespace rollcall::gateway::server {

// GET /v1/events/EVENT/attendees?q=TEXT (organizer token of EVENT: Access::lookup_attendees):
//   {"query":"<q as quote_input quotes it>","matches":[{"badge_id","name","organization",
//    "country","category","revoked","inside","match"}],"truncated":bool}
// at most 20 matches, best first (services/registry/attendee_index.h). "inside": the badge is
// inside a zone now. 400 with code missing_query, query_too_short, query_too_long,
// query_not_utf8 or bad_query; 404 unknown_event; 503 redis_unavailable.
boost::asio::awaitable<boost::beast::http::message_generator> answer_attendee_lookup(
    const Request& request, const Context& context, std::string event_id);

}  // namespace rollcall::gateway::server
