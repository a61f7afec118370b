#include "gateway/server/routes.h"

#include <gtest/gtest.h>

#include <set>

#include <boost/url/parse.hpp>

namespace rollcall::gateway::server {
namespace {

RouteLookup lookup(std::string_view method, RouteKind kind, std::string_view target) {
  const auto url = boost::urls::parse_origin_form(target);
  EXPECT_TRUE(url) << target;
  return find_route(method, kind, *url);
}

std::optional<RouteId> http_get(std::string_view target) {
  const auto found = lookup("GET", RouteKind::http, target);
  return found.match ? std::optional(found.match->route->id) : std::nullopt;
}

TEST(Routes, EveryExampleFindsItsOwnRoute) {
  std::set<RouteId> ids;
  for (const auto& route : routes()) {
    SCOPED_TRACE(route.pattern);
    EXPECT_TRUE(ids.insert(route.id).second) << "listed twice";
    std::string target(route.example);
    if (const auto at = target.find("{event}"); at != std::string::npos) {
      target.replace(at, 7, "wsis%2B20");
    }
    if (const auto at = target.find("{venue}"); at != std::string::npos) {
      target.replace(at, 7, "pal%2Bexpo");
    }
    const auto method = route.methods.substr(0, route.methods.find(' '));
    const auto found = lookup(method, route.kind, target);
    ASSERT_TRUE(found.match) << target;
    EXPECT_EQ(found.match->route->id, route.id);
    if (route.pattern.find("{event}") != std::string_view::npos) {
      EXPECT_EQ(found.match->event_id, "wsis+20");
      EXPECT_FALSE(found.match->event_missing);
    }
    if (route.pattern.find("{venue}") != std::string_view::npos) {
      // A venue route's guard reads the tokens of the venue's feed.
      EXPECT_EQ(found.match->venue, "pal+expo");
      EXPECT_EQ(found.match->event_id, "@pal+expo");
      EXPECT_FALSE(found.match->event_missing);
    }
    EXPECT_EQ(route.guard == Guard::token,
              route.id != RouteId::healthz && route.id != RouteId::readyz &&
                  route.id != RouteId::metrics && route.id != RouteId::static_file &&
                  route.id != RouteId::zoom_webhook && route.id != RouteId::zoom_webhook_query);
  }
}

// /v1/display serves an event or a venue by its query: ?venue= (even empty) is the venue's.
TEST(Routes, DisplaysOfVenuesAndEvents) {
  const auto ws = [](std::string_view target) {
    return lookup("GET", RouteKind::websocket, target);
  };
  for (const auto* venue_target :
       {"/v1/display?venue=geneva", "/v1/display?event=e&venue=geneva", "/v1/display?venue="}) {
    const auto found = ws(venue_target);
    ASSERT_TRUE(found.match) << venue_target;
    EXPECT_EQ(found.match->route->id, RouteId::venue_display) << venue_target;
  }
  EXPECT_EQ(ws("/v1/display?venue=geneva").match->event_id, "@geneva");
  EXPECT_TRUE(ws("/v1/display?venue=").match->event_missing);
  EXPECT_EQ(ws("/v1/display?event=e").match->route->id, RouteId::display);
  EXPECT_EQ(ws("/v1/display?event=e").match->event_id, "e");
  EXPECT_EQ(ws("/v1/display").match->route->id, RouteId::display);
  EXPECT_TRUE(ws("/v1/display").match->event_missing);
  EXPECT_EQ(http_get("/v1/venues/geneva"), RouteId::venue_info);
  EXPECT_EQ(http_get("/v1/venues/geneva/totals"), RouteId::venue_totals);
  EXPECT_EQ(http_get("/v1/venues/geneva/totals/x"), RouteId::static_file);
  EXPECT_EQ(http_get("/v1/venues//totals"), RouteId::static_file);
  const auto slash = lookup("GET", RouteKind::http, "/v1/venues/a%2Fb/totals");
  ASSERT_TRUE(slash.match);
  EXPECT_EQ(slash.match->venue, "a/b");
}

TEST(Routes, SegmentsAreComparedDecodedAndWhole) {
  EXPECT_EQ(http_get("/v1/events/e/totals"), RouteId::totals);
  EXPECT_EQ(http_get("/v1/events/%65/%74otals"), RouteId::totals);
  // The attendee search's query string is the route's to read, whatever it holds.
  EXPECT_EQ(http_get("/v1/events/e/attendees?q=%D8%A7%D8%AD"), RouteId::attendees);
  EXPECT_EQ(http_get("/v1/events/e/attendees"), RouteId::attendees);
  EXPECT_EQ(http_get("/v1/events/e/attendees/x"), RouteId::static_file);
  // The badge PDF: the {badge} segment decoded whole, so an encoded slash is part of the id
  // (which the route then refuses as no badge id).
  EXPECT_EQ(http_get("/v1/events/e/badges/A1/badge.pdf?size=cr80"), RouteId::badge_pdf);
  const auto badge = lookup("GET", RouteKind::http, "/v1/events/e/badges/..%2F..%2Fx/badge.pdf");
  ASSERT_TRUE(badge.match);
  EXPECT_EQ(badge.match->route->id, RouteId::badge_pdf);
  EXPECT_EQ(badge.match->badge, "../../x");
  EXPECT_EQ(http_get("/v1/events/e/badges//badge.pdf"), RouteId::static_file);
  EXPECT_EQ(http_get("/v1/events/e/badges/A1/B2/badge.pdf"), RouteId::static_file);
  // An encoded slash stays inside its segment: this is an event named "a/b".
  const auto found = lookup("GET", RouteKind::http, "/v1/events/a%2Fb/totals");
  ASSERT_TRUE(found.match);
  EXPECT_EQ(found.match->event_id, "a/b");
  // Anything else is a static file (which the resolver then judges).
  EXPECT_EQ(http_get("/v1/events//totals"), RouteId::static_file);
  EXPECT_EQ(http_get("/v1/events/e/totals/"), RouteId::static_file);
  EXPECT_EQ(http_get("//healthz"), RouteId::static_file);
  EXPECT_EQ(http_get("/v1/events/e/exports/a/b"), RouteId::static_file);
  EXPECT_EQ(http_get("/v1/desk?event=e"), RouteId::static_file);  // not an upgrade
  const auto exported = lookup("GET", RouteKind::http, "/v1/events/e/exports/scans.csv?lang=fr");
  ASSERT_TRUE(exported.match);
  EXPECT_EQ(exported.match->route->id, RouteId::export_file);
  EXPECT_EQ(exported.match->file, "scans.csv");
  const auto file = lookup("GET", RouteKind::http, "/a/%2e%2e/b?x=1");
  ASSERT_TRUE(file.match);
  EXPECT_EQ(file.match->path, "/a/%2e%2e/b");  // as sent: the resolver decodes it
}

TEST(Routes, MethodsAndKinds) {
  EXPECT_TRUE(lookup("POST", RouteKind::http, "/healthz").other_method);
  EXPECT_TRUE(lookup("DELETE", RouteKind::http, "/index.html").other_method);
  const auto webhook = lookup("POST", RouteKind::http, "/v1/events/e/webhooks/zoom");
  ASSERT_TRUE(webhook.match);
  EXPECT_EQ(webhook.match->route->id, RouteId::zoom_webhook);
  EXPECT_EQ(http_get("/v1/events/e/webhooks/zoom"), RouteId::static_file);
  const auto query = lookup("POST", RouteKind::http, "/v1/webhooks/zoom");
  ASSERT_TRUE(query.match);
  EXPECT_TRUE(query.match->event_missing);

  const auto desk = lookup("GET", RouteKind::websocket, "/v1/desk?event=e&desk=1");
  ASSERT_TRUE(desk.match);
  EXPECT_EQ(desk.match->route->id, RouteId::desk);
  EXPECT_EQ(desk.match->event_id, "e");
  EXPECT_TRUE(lookup("GET", RouteKind::websocket, "/v1/display?event=").match->event_missing);
  EXPECT_TRUE(lookup("GET", RouteKind::websocket, "/v1/display").match->event_missing);
  EXPECT_FALSE(lookup("GET", RouteKind::websocket, "/healthz").match);
  EXPECT_FALSE(lookup("GET", RouteKind::websocket, "/v1/desk/x?event=e").match);
}

TEST(Routes, ListingHasOneLinePerRouteWithItsRoles) {
  const auto text = list_routes();
  std::size_t lines = 0;
  for (std::size_t at = 0; (at = text.find('\n', at)) != std::string::npos; ++at) ++lines;
  EXPECT_EQ(lines, routes().size());
  EXPECT_NE(text.find("GET,HEAD\t/v1/events/{event}/totals\thttp\t"
                      "token:watch_totals:display,organizer\t/v1/events/{event}/totals\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("GET\t/v1/desk?event={event}\twebsocket\ttoken:scan:desk\t"),
            std::string::npos);
  EXPECT_NE(text.find("GET,HEAD\t/healthz\thttp\tpublic\t/healthz\n"), std::string::npos);
  EXPECT_NE(text.find("POST\t/v1/events/{event}/webhooks/zoom\thttp\tzoom_signature\t"),
            std::string::npos);
}

// Issue 14: only a registration desk checks in by hand; every token may ask what it may do.
TEST(Routes, CheckInsByHandAndTokenInfo) {
  const auto text = list_routes();
  EXPECT_NE(text.find("POST\t/v1/events/{event}/checkins\thttp\ttoken:check_in_by_hand:"
                      "desk+registration\t/v1/events/{event}/checkins\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("GET\t/v1/events/{event}/token\thttp\ttoken:read_token_info:"
                      "desk,platform,display,organizer\t"),
            std::string::npos)
      << text;
  const auto checkins = lookup("POST", RouteKind::http, "/v1/events/e/checkins");
  ASSERT_TRUE(checkins.match);
  EXPECT_EQ(checkins.match->route->id, RouteId::manual_checkins);
  EXPECT_EQ(http_get("/v1/events/e/checkins"), RouteId::static_file);  // as for webhooks
  EXPECT_EQ(http_get("/v1/events/e/token"), RouteId::token_info);
  EXPECT_TRUE(lookup("POST", RouteKind::http, "/v1/events/e/token").other_method);
}

}  // namespace
}  // namespace rollcall::gateway::server
