#include "services/auth/access.h"

namespace rollcall::services::auth {

bool role_allows(v1::Role role, Access access) {
  switch (role) {
    case v1::desk:
      // The desk sync is for kiosks only: an organizer's laptop has no use for it offline.
      // Finding attendees by name and the rest of registration need the `registration` scope:
      // a scanning kiosk's token would otherwise list the registry.
      return access == Access::scan || access == Access::read_badge_keys ||
             access == Access::read_desk_sync || access == Access::read_token_info;
    case v1::platform:
      // A platform's server hands each participant's page a ticket instead of its own token.
      return access == Access::report_presence || access == Access::issue_tickets ||
             access == Access::read_token_info;
    case v1::display:
      return access == Access::watch_totals || access == Access::read_token_info;
    case v1::organizer:
      // Organizers watch, export and manage the registry; scanning, check-ins by hand and
      // presence come from devices with their own tokens, so a leaked organizer token cannot
      // forge attendance.
      return access == Access::watch_totals || access == Access::read_badge_keys ||
             access == Access::read_attendee_log || access == Access::export_data ||
             access == Access::lookup_attendees || access == Access::replace_badges ||
             access == Access::register_walk_ins || access == Access::print_badges ||
             access == Access::read_token_info;
    default:
      return false;
  }
}

bool scope_allows(v1::Scope scope, Access access) {
  switch (scope) {
    case v1::registration:
      return access == Access::lookup_attendees || access == Access::check_in_by_hand ||
             access == Access::replace_badges || access == Access::register_walk_ins ||
             access == Access::print_badges;
    default:
      return false;
  }
}

bool token_allows(const v1::TokenRecord& record, Access access) {
  if (role_allows(record.role(), access)) return true;
  if (record.role() != v1::desk) return false;
  for (const int scope : record.scopes()) {
    if (v1::Scope_IsValid(scope) && scope_allows(static_cast<v1::Scope>(scope), access)) {
      return true;
    }
  }
  return false;
}

std::string_view access_name(Access access) {
  switch (access) {
    case Access::scan:
      return "scan";
    case Access::report_presence:
      return "report_presence";
    case Access::watch_totals:
      return "watch_totals";
    case Access::read_badge_keys:
      return "read_badge_keys";
    case Access::read_desk_sync:
      return "read_desk_sync";
    case Access::read_attendee_log:
      return "read_attendee_log";
    case Access::export_data:
      return "export_data";
    case Access::issue_tickets:
      return "issue_tickets";
    case Access::lookup_attendees:
      return "lookup_attendees";
    case Access::check_in_by_hand:
      return "check_in_by_hand";
    case Access::replace_badges:
      return "replace_badges";
    case Access::register_walk_ins:
      return "register_walk_ins";
    case Access::print_badges:
      return "print_badges";
    case Access::read_token_info:
      return "read_token_info";
  }
  return "?";
}

std::string_view scope_name(v1::Scope scope) {
  return scope == v1::registration ? "registration" : "none";
}

std::optional<v1::Scope> parse_scope(std::string_view name) {
  if (name == "registration") return v1::registration;
  return std::nullopt;
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
