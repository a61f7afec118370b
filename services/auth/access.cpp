#include "services/auth/access.h"

namespace rollcall::services::auth {

bool role_allows(v1::Role role, Access access) {
  switch (role) {
    case v1::desk:
      // The desk sync is for kiosks only: an organizer's laptop has no use for it offline.
      // Finding attendees by name is the organizers' for now (issue 14 may grant it to desks
      // with a permission of their own): a kiosk's token would otherwise list the registry.
      return access == Access::scan || access == Access::read_badge_keys ||
             access == Access::read_desk_sync;
    case v1::platform:
      // A platform's server hands each participant's page a ticket instead of its own token.
      return access == Access::report_presence || access == Access::issue_tickets;
    case v1::display:
      return access == Access::watch_totals;
    case v1::organizer:
      // Organizers watch and export; scanning and presence come from devices with their own
      // tokens, so a leaked organizer token cannot forge attendance.
      return access == Access::watch_totals || access == Access::read_badge_keys ||
             access == Access::read_attendee_log || access == Access::export_data ||
             access == Access::lookup_attendees;
    default:
      return false;
  }
}

std::string_view role_name(v1::Role role) {
  switch (role) {
    case v1::desk:
      return "desk";
    case v1::platform:
      return "platform";
    case v1::display:
      return "display";
    case v1::organizer:
      return "organizer";
    default:
      return "none";
  }
}

std::optional<v1::Role> parse_role(std::string_view name) {
  for (const auto role : {v1::desk, v1::platform, v1::display, v1::organizer}) {
    if (name == role_name(role)) return role;
  }
  return std::nullopt;
}

}  // namespace rollcall::services::auth
