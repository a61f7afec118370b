#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rollcall/v1/auth.pb.h"
#include "tests/support/gateway_process.h"
#include "tests/support/redis_server.h"

namespace rollcall::tests::attack::web {

// Who a request claims to be, for tests that try every identity against every route.
struct Identity {
  std::string name;       // "none", "garbage", "other-event organizer", or a role name
  std::string token;      // "" for none
  bool has_role = false;  // a valid token of the world's event (refusals are then 403, not 401)
};

// What most attacks need: a private redis-server with one small event imported (kEvent, a few
// badges), an access token of every role for it, and gateways started on demand against it.
// Everything goes when the object goes.
// A fresh token of `event` for an identity as the route catalogue names it: a role ("desk"), or
// a desk with a scope ("desk+registration"). Fails the test for a name it does not know.
std::string issue_token_as(const support::RedisServer& redis, std::string_view event,
                           std::string_view identity);

class HttpWorld {
 public:
  static constexpr const char* kEvent = "attack-2025";
  static constexpr const char* kOtherEvent = "other-2025";
  static constexpr const char* kRegistry =
      "badge_id,country,category,name,organization\n"
      "A1,CH,minister,Anna Muster,Federal Council\n"
      "A2,KE,regulator,Amina Odhiambo,Communications Authority\n"
      "A3,,un,Jean Martin,ITU\n";

  HttpWorld();

  support::RedisServer& redis() { return redis_; }

  // Starts a gateway on this Redis (a fast tick, plus `args`); it lives as long as the world.
  support::GatewayProcess& start_gateway(std::vector<std::string> args = {});

  // A token of kEvent with that role.
  const std::string& token(v1::Role role) const { return tokens_.at(role); }
  // A desk token of kEvent with the registration scope (the catalogue's "desk+registration").
  const std::string& registration_desk_token() const { return registration_desk_; }

  // No token, a made-up one, another event's organizer, then one of each role of kEvent and a
  // desk with each scope ("desk+registration"), named as the route catalogue names them.
  std::vector<Identity> identities() const;

  // Imports `csv` (a registry) as `event` with rollcall-import; fails the test on an error.
  void import(const std::string& event, const std::string& csv);

 private:
  support::RedisServer redis_;
  std::map<v1::Role, std::string> tokens_;
  std::string registration_desk_;
  std::string other_organizer_;
  std::vector<std::unique_ptr<support::GatewayProcess>> gateways_;
};

}  // namespace rollcall::tests::attack::web
