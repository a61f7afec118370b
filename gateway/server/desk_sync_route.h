#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http.hpp>

#include "gateway/server/context.h"
#include "gateway/server/http_routes.h"

namespace rollcall::gateway::server {

// GET /v1/events/EVENT/desk-sync (desk token of EVENT only): what a kiosk needs to decide while
// offline, as rollcall.v1.DeskSync in JSON (services/checkin/desk_sync.h): the event's rules and
// labels, one sealed record per badge. 503 when Redis is away or the registry is larger than a
// desk sync may be (counted in rollcall_limit_rejections_total{limit="desk_sync_badges"}).
boost::asio::awaitable<boost::beast::http::message_generator> answer_desk_sync(
    const Request& request, const Context& context, std::string event_id);

}  // namespace rollcall::gateway::server
