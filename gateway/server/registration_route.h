#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http.hpp>

#include "gateway/server/context.h"
#include "gateway/server/http_routes.h"

namespace rollcall::gateway::server {

// POST /v1/events/{event}/badges (Access::register_walk_ins): a WalkIn in JSON, validated with
// the import's rules (services/registry/walk_in.h), registered in one atomic step
// (rollcall_register_badge) and answered with its BadgeIssued: 201, or 200 for a replayed
// request_id. An event whose badges are signed gets its code signed at once; when this gateway
// holds no usable key for it, 409 no_signing_key and nothing is created.
boost::asio::awaitable<boost::beast::http::message_generator> answer_walk_in(const Request& request,
                                                                             const Context& context,
                                                                             std::string event_id);

// POST /v1/events/{event}/badges/{badge}/replacement (Access::replace_badges): a
// BadgeReplacement; the badge is revoked as replaced and a new one issued for the same person
// (rollcall_replace_badge). 201 (200 on replay), or 404 unknown_badge, 409 already_replaced /
// badge_exists / no_signing_key.
boost::asio::awaitable<boost::beast::http::message_generator> answer_replacement(
    const Request& request, const Context& context, std::string event_id, std::string badge_id);

}  // namespace rollcall::gateway::server
