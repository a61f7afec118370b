#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <boost/url/url_view.hpp>

#include "services/auth/access.h"

namespace rollcall::gateway::server {

enum class RouteId {
  healthz,
  readyz,
  metrics,
  totals,
  badge_keys,
  info,
  export_file,
  rejected_scans,
  attendees,
  badge_pdf,
  zoom_webhook,        // the event in the path
  zoom_webhook_query,  // the event in ?event= (how Zoom's dashboard is often filled in)
  tickets,
  walk_ins,           // POST a walk-in badge (registration desk)
  badge_replacement,  // POST: replace a lost badge
  token_info,
  manual_checkins,
  desk_sync,
  desk,
  online,
  display,
  venue_totals,   // GET a venue's totals (docs/venues.md)
  venue_info,     // GET a venue's config with its events' names
  venue_display,  // WebSocket: a venue's totals, live
  venue_desk,     // WebSocket: a desk serving every event of a venue
  static_file,
};

enum class RouteKind { http, websocket };

// What lets a request through: nothing (public), an access token allowing `access` for the
// route's event, or the Zoom webhook's HMAC signature (checked against the event's secret).
enum class Guard { none, token, zoom_signature };

// One endpoint. `pattern` is the path with placeholders, each one whole segment: {event} (the
// event id), {file} (a file name), {badge} (a badge id), and {path}, the whole remaining path
// (static files); a
// "?event={event}" suffix takes the event from the query instead.
struct Route {
  RouteId id;
  RouteKind kind;
  std::string_view methods;  // space-separated, e.g. "GET HEAD"
  std::string_view pattern;
  Guard guard;
  services::auth::Access access;  // with Guard::token
  std::string_view example;       // pattern with every placeholder but {event} filled in
};

// Every route the gateway serves, the one table the dispatch reads: what is not here is not
// served (`rollcall-gateway --list-routes` prints it, and the attack tests walk it).
std::span<const Route> routes();

struct RouteMatch {
  const Route* route = nullptr;
  std::string event_id;        // {event}, percent-decoded; may be any bytes the client sent
                               // (a venue route: the venue's feed id "@VENUE", whose tokens
                               // guard it)
  std::string venue;           // {venue}, percent-decoded; may be any bytes the client sent
  bool event_missing = false;  // the route takes ?event= and the request names none
  std::string file;            // {file}, percent-decoded
  std::string badge;           // {badge}, percent-decoded; may be any bytes the client sent
  std::string path;            // {path}: the request's path as sent, still percent-encoded
};

struct RouteLookup {
  std::optional<RouteMatch> match;
  bool other_method = false;  // no match, but a route of this kind has this path (405)
};

// The first route of `kind` whose method and pattern fit the request. Path segments are
// compared percent-decoded one by one, so "%2F" inside a segment never splits it.
RouteLookup find_route(std::string_view method, RouteKind kind, const boost::urls::url_view& url);

// The catalogue as text, one route per line, fields separated by tabs:
//   METHODS  PATTERN  KIND  GUARD  EXAMPLE
// GUARD is "public", "zoom_signature", or "token:ACCESS:ROLE,ROLE" (the roles it admits).
std::string list_routes();

}  // namespace rollcall::gateway::server
