#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http.hpp>

#include "gateway/server/context.h"
#include "gateway/server/http_routes.h"

namespace rollcall::gateway::server {

// GET /v1/events/EVENT/token (any token of the event): a TokenInfo, what the calling token may
// do, so a kiosk shows only the screens it can use.
boost::asio::awaitable<boost::beast::http::message_generator> answer_token_info(
    const Request& request, const Context& context, std::string event_id);

// POST /v1/events/EVENT/checkins (desk token with the registration scope), body a ManualCheckin
// in JSON: a check-in by hand, counted as a scan by the token's desk (ScanHandler); answered
// with the ScanResult (200, its status the verdict), 400 `malformed` when the body cannot be
// read or is not valid (nothing counted), 503 when Redis is away (send it again: the checkin_id
// makes it count once).
boost::asio::awaitable<boost::beast::http::message_generator> answer_manual_checkin(
    const Request& request, const Context& context, std::string event_id);

}  // namespace rollcall::gateway::server
