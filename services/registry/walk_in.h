#pragma once

#include <optional>
#include <string>

#include "rollcall/v1/registration.pb.h"
#include "services/registry/badge_validator.h"
#include "services/registry/country_codes.h"

namespace rollcall::services::registry {

// A walk-in registered at a desk, checked with the import's rules (check_badge_fields) plus what
// only a desk request has: the request_id, the optional validity days, and none of the fields
// only rollcall sets (revoked, person_id, revoked_reason, replaced_by, registered_by).
struct CheckedWalkIn {
  rollcall::v1::Badge badge;  // normalized; badge_id empty when the gateway is to make one
  std::string first_day;
  std::string last_day;
};

// The checked walk-in, or the first bad field (proto field name) and why. An empty badge_id is
// allowed: the gateway makes one (make_badge_id).
struct WalkInCheck {
  std::optional<CheckedWalkIn> walk_in;
  std::optional<FieldProblem> problem;
};
WalkInCheck check_walk_in(const rollcall::v1::WalkIn& request, const rollcall::v1::Event& event,
                          const CountryCodes& countries);

// request_id of a walk-in or a replacement: 1 to 128 of [A-Za-z0-9_.:-]; nullopt when good.
std::optional<std::string> request_id_problem(const std::string& request_id);

}  // namespace rollcall::services::registry
