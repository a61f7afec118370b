#include "tests/attack/support/http_world.h"

#include "tests/attack/support/venue_of_event.h"

#include <gtest/gtest.h>

#include "services/auth/access.h"
#include "services/store/keys.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/tokens.h"

namespace rollcall::tests::attack::web {

HttpWorld::HttpWorld() {
  import(kEvent, kRegistry);
  import(kOtherEvent, kRegistry);
  for (const auto role : {v1::desk, v1::platform, v1::display, v1::organizer}) {
    tokens_[role] = support::issue_token(redis_, kEvent, role);
  }
  registration_desk_ = issue_token_as(redis_, kEvent, "desk+registration");
  other_organizer_ = support::issue_token(redis_, kOtherEvent, v1::organizer);
  add_venue_of_event(redis_, kEvent);
}

std::string issue_token_as(const support::RedisServer& redis, std::string_view event,
                           std::string_view identity) {
  const auto plus = identity.find('+');
  const auto role = services::auth::parse_role(identity.substr(0, plus));
  EXPECT_TRUE(role) << "no role in \"" << identity << "\"";
  v1::TokenRecord record;
  record.set_role(role.value_or(v1::desk));
  record.set_name(std::string(identity));
  if (plus != std::string_view::npos) {
    const auto scope = services::auth::parse_scope(identity.substr(plus + 1));
    EXPECT_TRUE(scope) << "no scope in \"" << identity << "\"";
    if (scope) record.add_scopes(*scope);
  }
  return support::issue_token(redis, event, record);
}

void HttpWorld::import(const std::string& event, const std::string& csv) {
  ASSERT_TRUE(support::import_registry(
      redis_, event, csv,
      {.file_name = "registry-" + std::to_string(std::hash<std::string>{}(event)) + ".csv"}));
}

support::GatewayProcess& HttpWorld::start_gateway(std::vector<std::string> args) {
  args.insert(args.end(), {"--tick-ms", "20", "--threads", "2"});
  gateways_.push_back(std::make_unique<support::GatewayProcess>(redis_.url(), args));
  return *gateways_.back();
}

std::vector<Identity> HttpWorld::identities() const {
  std::vector<Identity> all = {
      {"none", "", false},
      {"garbage", "rc_this-token-was-never-issued", false},
      {"other-event organizer", other_organizer_, false},
  };
  for (const auto& [role, token] : tokens_) {
    all.push_back({std::string(services::auth::role_name(role)), token, true});
  }
  all.push_back({"desk+registration", registration_desk_, true});
  return all;
}

}  // namespace rollcall::tests::attack::web
