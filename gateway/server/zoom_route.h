#pragma once

#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http.hpp>

#include "gateway/server/context.h"
#include "gateway/server/http_routes.h"

namespace rollcall::gateway::server {

// POST /v1/events/EVENT/webhooks/zoom (or /v1/webhooks/zoom?event=EVENT): Zoom's participant
// joined/left notifications, verified with the event's secret token, applied idempotently.
boost::asio::awaitable<boost::beast::http::message_generator> answer_zoom_webhook(
    const Request& request, const Context& context, std::string event_id);

}  // namespace rollcall::gateway::server
