#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace rollcall::tests::attack::web {

// One line of `rollcall-gateway --list-routes`: the routes the gateway under test serves, so
// that a test walking them covers a route added later without being told about it.
struct CatalogueRoute {
  std::vector<std::string> methods;  // "GET", "HEAD", "POST"
  std::string pattern;               // "/v1/events/{event}/totals", "/v1/desk?event={event}"
  bool websocket = false;
  std::string guard;            // "public", "zoom_signature" or "token"
  std::string access;           // with "token": what it allows, e.g. "watch_totals"
  std::set<std::string> roles;  // with "token": the role names it admits
  std::string example;          // a target naming an existing resource, but for {event}

  // A venue route's {venue} stands in for the event: HttpWorld's venue has the event's id and
  // the same tokens, and a venue's tokens are those of its feed id (token_owner).
  bool takes_event() const { return example.find("{event}") != std::string::npos || takes_venue(); }
  bool takes_venue() const { return example.find("{venue}") != std::string::npos; }
  // Whose tokens let a request for `id` through: the event, or the venue's feed "@id".
  std::string token_owner(std::string_view id) const {
    return (takes_venue() ? "@" : "") + std::string(id);
  }
  // The example with {event} (or {venue}) replaced by `encoded_event` (already percent-encoded by
  // the caller).
  std::string target(std::string_view encoded_event) const;
  // The example's path up to (and with) its last "/" before any placeholder or query, e.g.
  // "/v1/events/{event}/exports/" -> with the event filled in: where a traversal can start.
  std::string prefix(std::string_view encoded_event) const;
  const std::string& method() const { return methods.front(); }
  // Whether a token of `identity` gets past the guard: a role the route lists ("desk"), or a
  // desk with a scope ("desk+registration") when the route lists it, or its role (a scope only
  // adds to what the role may do).
  bool admits(std::string_view identity) const;
};

// Runs the gateway binary with --list-routes and parses every line (a line it cannot parse fails
// the calling test).
std::vector<CatalogueRoute> route_catalogue();

}  // namespace rollcall::tests::attack::web
