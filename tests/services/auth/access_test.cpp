#include "services/auth/access.h"

#include <gtest/gtest.h>

namespace rollcall::services::auth {
namespace {

TEST(Access, EachRoleGetsExactlyItsTable) {
  using enum Access;
  const auto allowed = [](v1::Role role) {
    std::vector<Access> result;
    for (const auto access : {scan, report_presence, watch_totals, read_badge_keys, read_desk_sync,
                              read_attendee_log, export_data, issue_tickets, lookup_attendees}) {
      if (role_allows(role, access)) result.push_back(access);
    }
    return result;
  };
  EXPECT_EQ(allowed(v1::desk), (std::vector{scan, read_badge_keys, read_desk_sync}));
  EXPECT_EQ(allowed(v1::platform), (std::vector{report_presence, issue_tickets}));
  EXPECT_EQ(allowed(v1::display), (std::vector{watch_totals}));
  EXPECT_EQ(allowed(v1::organizer), (std::vector{watch_totals, read_badge_keys, read_attendee_log,
                                                 export_data, lookup_attendees}));
  EXPECT_TRUE(allowed(v1::role_unspecified).empty());
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
