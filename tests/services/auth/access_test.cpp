#include "services/auth/access.h"

#include <gtest/gtest.h>

#include <set>
#include <string_view>
#include <vector>

namespace rollcall::services::auth {
namespace {

TEST(Access, EachRoleGetsExactlyItsTable) {
  using enum Access;
  const auto allowed = [](v1::Role role) {
    std::vector<Access> result;
    for (const auto access : kAllAccess) {
      if (role_allows(role, access)) result.push_back(access);
    }
    return result;
  };
  EXPECT_EQ(allowed(v1::desk),
            (std::vector{scan, read_badge_keys, read_desk_sync, read_token_info}));
  EXPECT_EQ(allowed(v1::platform), (std::vector{report_presence, issue_tickets, read_token_info}));
  EXPECT_EQ(allowed(v1::display), (std::vector{watch_totals, read_token_info}));
  EXPECT_EQ(
      allowed(v1::organizer),
      (std::vector{watch_totals, read_badge_keys, read_attendee_log, export_data, lookup_attendees,
                   replace_badges, register_walk_ins, print_badges, read_token_info}));
  EXPECT_TRUE(allowed(v1::role_unspecified).empty());
}

TEST(Access, TheRegistrationScopeAddsTheDeskActionsToDeskTokensOnly) {
  using enum Access;
  const auto allowed = [](v1::Role role, bool registration) {
    v1::TokenRecord record;
    record.set_role(role);
    if (registration) record.add_scopes(v1::registration);
    std::vector<Access> result;
    for (const auto access : kAllAccess) {
      if (token_allows(record, access)) result.push_back(access);
    }
    return result;
  };
  EXPECT_EQ(allowed(v1::desk, true),
            (std::vector{scan, read_badge_keys, read_desk_sync, lookup_attendees, check_in_by_hand,
                         replace_badges, register_walk_ins, print_badges, read_token_info}));
  for (const auto role : {v1::desk, v1::platform, v1::display, v1::organizer}) {
    for (const auto access : kAllAccess) {
      EXPECT_EQ(token_allows(
                    [&] {
                      v1::TokenRecord r;
                      r.set_role(role);
                      return r;
                    }(),
                    access),
                role_allows(role, access));
    }
    if (role != v1::desk) EXPECT_EQ(allowed(role, true), allowed(role, false));
  }
  // Nobody but a registration desk checks in by hand: an organizer's token cannot forge scans.
  EXPECT_FALSE(role_allows(v1::organizer, check_in_by_hand));
  v1::TokenRecord unknown_scope;
  unknown_scope.set_role(v1::desk);
  unknown_scope.add_scopes(static_cast<v1::Scope>(77));
  for (const auto access : kAllAccess) {
    EXPECT_EQ(token_allows(unknown_scope, access), role_allows(v1::desk, access));
  }
}

TEST(Access, EveryAccessAndScopeHasAName) {
  std::set<std::string_view> names;
  for (const auto access : kAllAccess) {
    EXPECT_NE(access_name(access), "?");
    EXPECT_TRUE(names.insert(access_name(access)).second) << access_name(access);
  }
  EXPECT_EQ(parse_scope(scope_name(v1::registration)), v1::registration);
  EXPECT_EQ(parse_scope("admin"), std::nullopt);
}

TEST(Access, RoleNamesRoundTrip) {
  for (const auto role : {v1::desk, v1::platform, v1::display, v1::organizer}) {
    EXPECT_EQ(parse_role(role_name(role)), role);
  }
  EXPECT_EQ(parse_role("admin"), std::nullopt);
  EXPECT_EQ(parse_role(""), std::nullopt);
}

}  // namespace
}  // namespace rollcall::services::auth
