#include "gateway/server/routes.h"

#include <algorithm>
#include <array>

#include "gateway/server/static_path.h"
#include "services/store/keys.h"

namespace rollcall::gateway::server {
namespace {

using services::auth::Access;

constexpr std::array kRoutes = std::to_array<Route>({
    {RouteId::healthz, RouteKind::http, "GET HEAD", "/healthz", Guard::none, {}, "/healthz"},
    {RouteId::readyz, RouteKind::http, "GET HEAD", "/readyz", Guard::none, {}, "/readyz"},
    {RouteId::metrics, RouteKind::http, "GET HEAD", "/metrics", Guard::none, {}, "/metrics"},
    {RouteId::totals, RouteKind::http, "GET HEAD", "/v1/events/{event}/totals", Guard::token,
     Access::watch_totals, "/v1/events/{event}/totals"},
    {RouteId::badge_keys, RouteKind::http, "GET HEAD", "/v1/events/{event}/badge-keys",
     Guard::token, Access::read_badge_keys, "/v1/events/{event}/badge-keys"},
    {RouteId::info, RouteKind::http, "GET HEAD", "/v1/events/{event}/info", Guard::token,
     Access::watch_totals, "/v1/events/{event}/info"},
    {RouteId::desk_sync, RouteKind::http, "GET HEAD", "/v1/events/{event}/desk-sync", Guard::token,
     Access::read_desk_sync, "/v1/events/{event}/desk-sync"},
    {RouteId::export_file, RouteKind::http, "GET", "/v1/events/{event}/exports/{file}",
     Guard::token, Access::export_data, "/v1/events/{event}/exports/summary.csv"},
    {RouteId::rejected_scans, RouteKind::http, "GET", "/v1/events/{event}/scans/rejected",
     Guard::token, Access::read_attendee_log, "/v1/events/{event}/scans/rejected"},
    {RouteId::attendees, RouteKind::http, "GET", "/v1/events/{event}/attendees", Guard::token,
     Access::lookup_attendees, "/v1/events/{event}/attendees?q=an"},
    {RouteId::badge_pdf, RouteKind::http, "GET", "/v1/events/{event}/badges/{badge}/badge.pdf",
     Guard::token, Access::print_badges, "/v1/events/{event}/badges/A1/badge.pdf?size=a6"},
    {RouteId::zoom_webhook,
     RouteKind::http,
     "POST",
     "/v1/events/{event}/webhooks/zoom",
     Guard::zoom_signature,
     {},
     "/v1/events/{event}/webhooks/zoom"},
    {RouteId::zoom_webhook_query,
     RouteKind::http,
     "POST",
     "/v1/webhooks/zoom?event={event}",
     Guard::zoom_signature,
     {},
     "/v1/webhooks/zoom?event={event}"},
    {RouteId::tickets, RouteKind::http, "POST", "/v1/events/{event}/tickets", Guard::token,
     Access::issue_tickets, "/v1/events/{event}/tickets"},
    {RouteId::walk_ins, RouteKind::http, "POST", "/v1/events/{event}/badges", Guard::token,
     Access::register_walk_ins, "/v1/events/{event}/badges"},
    {RouteId::badge_replacement, RouteKind::http, "POST",
     "/v1/events/{event}/badges/{badge}/replacement", Guard::token, Access::replace_badges,
     "/v1/events/{event}/badges/B-1/replacement"},
    {RouteId::token_info, RouteKind::http, "GET", "/v1/events/{event}/token", Guard::token,
     Access::read_token_info, "/v1/events/{event}/token"},
    {RouteId::manual_checkins, RouteKind::http, "POST", "/v1/events/{event}/checkins", Guard::token,
     Access::check_in_by_hand, "/v1/events/{event}/checkins"},
    // Before the event's desk: it takes only requests that name a venue.
    {RouteId::venue_desk, RouteKind::websocket, "GET", "/v1/desk?venue={venue}", Guard::token,
     Access::scan, "/v1/desk?venue={venue}"},
    {RouteId::desk, RouteKind::websocket, "GET", "/v1/desk?event={event}", Guard::token,
     Access::scan, "/v1/desk?event={event}"},
    {RouteId::online, RouteKind::websocket, "GET", "/v1/online?event={event}", Guard::token,
     Access::report_presence, "/v1/online?event={event}"},
    {RouteId::venue_totals, RouteKind::http, "GET HEAD", "/v1/venues/{venue}/totals", Guard::token,
     Access::watch_totals, "/v1/venues/{venue}/totals"},
    {RouteId::venue_info, RouteKind::http, "GET HEAD", "/v1/venues/{venue}", Guard::token,
     Access::watch_totals, "/v1/venues/{venue}"},
    // Before the event's display: it takes only requests that name a venue.
    {RouteId::venue_display, RouteKind::websocket, "GET", "/v1/display?venue={venue}", Guard::token,
     Access::watch_totals, "/v1/display?venue={venue}"},
    {RouteId::display, RouteKind::websocket, "GET", "/v1/display?event={event}", Guard::token,
     Access::watch_totals, "/v1/display?event={event}"},
    // Last: everything else is a file under the web root, or 404.
    {RouteId::static_file, RouteKind::http, "GET HEAD", "/{path}", Guard::none, {}, "/wall"},
});

bool has_method(std::string_view methods, std::string_view method) {
  while (!methods.empty()) {
    const auto space = methods.find(' ');
    if (methods.substr(0, space) == method) return true;
    if (space == std::string_view::npos) break;
    methods.remove_prefix(space + 1);
  }
  return false;
}

// Whether `url` fits `route`'s pattern; fills the captures of *match when it does.
bool fits(const Route& route, const boost::urls::url_view& url, RouteMatch* match) {
  const auto question = route.pattern.find('?');
  std::string_view pattern = route.pattern.substr(0, question);
  std::string_view path = url.encoded_path();
  if (pattern == "/{path}") {
    if (!path.starts_with('/')) return false;
    match->path = std::string(path);
  } else {
    std::string segment;
    while (!pattern.empty()) {
      if (!path.starts_with('/')) return false;
      pattern.remove_prefix(1);
      path.remove_prefix(1);
      const auto expected = pattern.substr(0, pattern.find('/'));
      const auto encoded = path.substr(0, path.find('/'));
      pattern.remove_prefix(expected.size());
      path.remove_prefix(encoded.size());
      if (!percent_decode(encoded, &segment)) return false;
      if (expected == "{venue}") {
        if (segment.empty()) return false;
        match->venue = segment;
        match->event_id = services::store::venue_feed(segment);
      } else if (expected == "{event}" || expected == "{file}" || expected == "{badge}") {
        if (segment.empty()) return false;
        (expected == "{event}"  ? match->event_id
         : expected == "{file}" ? match->file
                                : match->badge) = segment;
      } else if (segment != expected) {
        return false;
      }
    }
    if (!path.empty()) return false;
  }
  if (question != std::string_view::npos) {  // "?event={event}" or "?venue={venue}"
    const bool venue = route.pattern.substr(question) == "?venue={venue}";
    const auto params = url.params();
    const auto param = params.find(venue ? "venue" : "event");
    if (venue && param == params.end()) return false;
    if (param == params.end() || !(*param).has_value || (*param).value.empty()) {
      match->event_missing = true;
    } else if (venue) {
      match->venue = (*param).value;
      match->event_id = services::store::venue_feed(match->venue);
    } else {
      match->event_id = (*param).value;
    }
  }
  return true;
}

}  // namespace

std::span<const Route> routes() {
  return kRoutes;
}

RouteLookup find_route(std::string_view method, RouteKind kind, const boost::urls::url_view& url) {
  RouteLookup lookup;
  for (const auto& route : kRoutes) {
    if (route.kind != kind) continue;
    RouteMatch match;
    if (!fits(route, url, &match)) continue;
    if (!has_method(route.methods, method)) {
      lookup.other_method = true;
      continue;
    }
    match.route = &route;
    lookup.match = std::move(match);
    lookup.other_method = false;
    return lookup;
  }
  return lookup;
}

std::string list_routes() {
  std::string text;
  for (const auto& route : kRoutes) {
    std::string methods(route.methods);
    std::replace(methods.begin(), methods.end(), ' ', ',');
    text += methods + "\t" + std::string(route.pattern) + "\t" +
            (route.kind == RouteKind::http ? "http" : "websocket") + "\t";
    switch (route.guard) {
      case Guard::none:
        text += "public";
        break;
      case Guard::zoom_signature:
        text += "zoom_signature";
        break;
      case Guard::token: {
        text += "token:" + std::string(services::auth::access_name(route.access)) + ":";
        std::string roles;
        for (int role = v1::Role_MIN; role <= v1::Role_MAX; ++role) {
          if (!v1::Role_IsValid(role)) continue;
          if (!services::auth::role_allows(static_cast<v1::Role>(role), route.access)) continue;
          if (!roles.empty()) roles += ",";
          roles += services::auth::role_name(static_cast<v1::Role>(role));
        }
        for (int scope = v1::Scope_MIN; scope <= v1::Scope_MAX; ++scope) {
          if (!v1::Scope_IsValid(scope)) continue;
          if (!services::auth::scope_allows(static_cast<v1::Scope>(scope), route.access)) continue;
          if (!roles.empty()) roles += ",";
          roles += "desk+" + std::string(services::auth::scope_name(static_cast<v1::Scope>(scope)));
        }
        text += roles;
        break;
      }
    }
    text += "\t" + std::string(route.example) + "\n";
  }
  return text;
}

}  // namespace rollcall::gateway::server
