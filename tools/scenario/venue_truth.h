#pragma once

#include <map>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "rollcall/v1/rollcall.pb.h"
#include "tools/scenario/counting_model.h"
#include "tools/scenario/population.h"

namespace rollcall::tools::scenario {

// What the venue's truth needs of one member event: its registry and who did what there.
struct VenueMember {
  struct Badge {
    std::string country;
    std::string category;
    std::string person_id;  // empty: the badge is its own person
  };
  std::string event_id;
  std::vector<std::string> dates;       // the date of event day k at [k - 1]
  std::map<std::string, Badge> badges;  // the registry, by badge id
  CountingModel::Attendance attendance;
};

VenueMember venue_member(const rollcall::v1::Event& event, const Population& population,
                         const CountingModel::Attendance& attendance);

// venue_truth.json: the venue's figures with each person counted once, worked out from the
// member events' own models with the venue person rule (docs/scenario.md), never by asking
// rollcall. Every explicit person id of a member's registry is a linked person (as rollcall-admin
// venue create records them); one linked to two countries throws ScenarioError.
boost::json::object venue_truth(const std::string& venue_id,
                                const std::vector<VenueMember>& members);

}  // namespace rollcall::tools::scenario
