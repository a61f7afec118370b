#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http.hpp>

#include "gateway/server/context.h"
#include "gateway/server/http_routes.h"

namespace rollcall::gateway::server {

// GET /v1/events/EVENT/badges/BADGE/badge.pdf?size=a6|cr80 (Access::print_badges: organizers,
// desks with the registration scope): the badge as a print-ready PDF (services/print), its QR
// code holding the signed code when the event has badge keys (signed here with the key given by
// --badge-signing-key), else the badge id. size defaults to a6.
// 400 bad_size; 404 unknown_event, unknown_badge; 409 revoked (a replaced badge's code is dead),
// no_signing_key (the event signs its badges and this gateway holds no current key of it);
// 503 redis_unavailable, busy (too many renders at once: Retry-After).
boost::asio::awaitable<boost::beast::http::message_generator> answer_badge_pdf(
    const Request& request, const Context& context, std::string event_id, std::string badge_id);

// "badge-<id>.pdf" with every byte outside A-Z a-z 0-9 . _ - replaced by "_", at most 64 of
// them: safe inside a quoted Content-Disposition filename whatever the id holds.
std::string badge_pdf_filename(std::string_view badge_id);

}  // namespace rollcall::gateway::server
