// What GET .../token tells each kind of token about itself.
#include "services/auth/token_info.h"

#include <gtest/gtest.h>

#include <set>

#include "services/auth/access.h"

namespace rollcall::services::auth {
namespace {

std::set<std::string> allowed(const v1::TokenInfo& info) {
  return {info.allowed().begin(), info.allowed().end()};
}

TEST(TokenInfo, EachRoleIsToldExactlyWhatItMayDo) {
  for (const auto role : {v1::desk, v1::platform, v1::display, v1::organizer}) {
    for (const bool registration : {false, true}) {
      v1::TokenRecord record;
      record.set_id("0123456789ab");
      record.set_role(role);
      record.set_name("Token of " + v1::Role_Name(role));
      if (registration) record.add_scopes(v1::registration);
      const auto info = token_info(record);
      SCOPED_TRACE(v1::Role_Name(role) + (registration ? "+registration" : ""));
      EXPECT_EQ(info.role(), role);
      EXPECT_EQ(info.name(), record.name());
      std::set<std::string> expected;
      for (const auto access : kAllAccess) {
        if (token_allows(record, access)) expected.insert(std::string(access_name(access)));
      }
      EXPECT_EQ(allowed(info), expected);
      EXPECT_TRUE(allowed(info).contains("read_token_info"));
      // Only desks carry scopes and a desk.
      EXPECT_EQ(info.scopes_size(), role == v1::desk && registration ? 1 : 0);
      EXPECT_EQ(info.desk_id(), role == v1::desk ? "0123456789ab" : "");
      EXPECT_EQ(allowed(info).contains("check_in_by_hand"), role == v1::desk && registration);
    }
  }
}

TEST(TokenInfo, ADeskIsToldItsDeskAndItsScopesOnce) {
  v1::TokenRecord record;
  record.set_id("0123456789ab");
  record.set_role(v1::desk);
  record.set_desk_id("reg-1");
  record.add_scopes(v1::registration);
  record.add_scopes(v1::registration);
  record.add_scopes(static_cast<v1::Scope>(77));  // a scope this gateway does not know
  record.add_scopes(v1::scope_unspecified);
  record.mutable_issued_at()->set_seconds(1);
  const auto info = token_info(record);
  EXPECT_EQ(info.desk_id(), "reg-1");
  ASSERT_EQ(info.scopes_size(), 1);
  EXPECT_EQ(info.scopes(0), v1::registration);
  EXPECT_EQ(allowed(info),
            (std::set<std::string>{"scan", "read_badge_keys", "read_desk_sync", "lookup_attendees",
                                   "check_in_by_hand", "replace_badges", "register_walk_ins",
                                   "print_badges", "read_token_info"}));
}

}  // namespace
}  // namespace rollcall::services::auth
