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
};

// The one table of who may do what (docs/security.md prints it).
bool role_allows(v1::Role role, Access access);

std::string_view role_name(v1::Role role);
std::optional<v1::Role> parse_role(std::string_view name);

}  // namespace rollcall::services::auth
