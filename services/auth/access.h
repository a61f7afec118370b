#pragma once

#include <optional>
#include <string_view>

#include "rollcall/v1/auth.pb.h"

namespace rollcall::services::auth {

// Everything a client can ask of a gateway, by what it reveals or changes.
enum class Access {
  scan,               // /v1/desk: changes counts, sees the attendee just scanned
  report_presence,    // /v1/online: changes online counts
  watch_totals,       // /v1/display and GET .../totals: aggregated figures only
  read_badge_keys,    // GET .../badge-keys: public keys, so a kiosk can verify codes offline
  read_desk_sync,     // GET .../desk-sync: sealed badge records, so a kiosk decides offline
  read_attendee_log,  // GET .../rejected-scans: names of people turned away
  export_data,        // GET .../exports/...: everything about every attendee
  issue_tickets,      // POST .../tickets: beacon tickets, each letting one participant be online
  lookup_attendees,   // GET .../attendees?q=: find any attendee by name, organization or badge id
  check_in_by_hand,   // POST .../checkins: counts like a scan, without a badge
  replace_badges,     // POST .../badges/B/replacement: revokes a badge, issues its successor
  register_walk_ins,  // POST .../badges: adds a person to the registry
  print_badges,       // GET .../badges/B/badge.pdf: a printable badge with its (signed) code
  read_token_info,    // GET .../token: what the calling token itself may do
};

// Every Access, in declaration order (for tables and tests).
inline constexpr Access kAllAccess[] = {
    Access::scan,
    Access::report_presence,
    Access::watch_totals,
    Access::read_badge_keys,
    Access::read_desk_sync,
    Access::read_attendee_log,
    Access::export_data,
    Access::issue_tickets,
    Access::lookup_attendees,
    Access::check_in_by_hand,
    Access::replace_badges,
    Access::register_walk_ins,
    Access::print_badges,
    Access::read_token_info,
};

// The one table of who may do what (docs/security.md prints it).
bool role_allows(v1::Role role, Access access);
// What a scope adds to a desk token's role (scopes on other roles add nothing).
bool scope_allows(v1::Scope scope, Access access);
// The role and, for desk tokens, its scopes.
bool token_allows(const v1::TokenRecord& record, Access access);

std::string_view access_name(Access access);
std::string_view scope_name(v1::Scope scope);
std::optional<v1::Scope> parse_scope(std::string_view name);

std::string_view role_name(v1::Role role);
std::optional<v1::Role> parse_role(std::string_view name);

}  // namespace rollcall::services::auth
