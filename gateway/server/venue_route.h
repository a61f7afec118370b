#pragma once

#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http.hpp>

#include "gateway/server/context.h"
#include "gateway/server/http_routes.h"
#include "services/venue/venue_config.h"

namespace rollcall::gateway::server {

// A venue as stored ({@V}:venue config). unavailable: Redis did not answer (or the stored config
// cannot be read, counted and logged); neither set: no such venue.
struct VenueLookup {
  std::optional<services::venue::VenueConfig> venue;
  bool unavailable = false;
};
boost::asio::awaitable<VenueLookup> find_venue(const Context& context, const std::string& venue_id);

// GET /v1/venues/V/totals: the venue's Totals (event_id "@V"), like an event's totals.
// GET /v1/venues/V: {"id","name","events":[{"id","name"},...]}, the wall's list of events.
// The token (of {@V}:tokens) was checked by the caller.
boost::asio::awaitable<boost::beast::http::message_generator> answer_venue(const Request& request,
                                                                           const Context& context,
                                                                           const RouteMatch& route);

}  // namespace rollcall::gateway::server
