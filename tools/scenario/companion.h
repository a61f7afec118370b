#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "tools/scenario/population.h"
#include "tools/scenario/random.h"

namespace rollcall::tools::scenario {

// The "overlap" section of a companion scenario (e.g. aifg25.json beside wsis20.json): the venue
// both events make and who of the companion's registered people also registered for the main
// event (docs/scenario.md).
struct OverlapModel {
  std::string with;  // the main scenario's name
  std::string venue_id;
  std::string venue_name;
  std::string person_prefix;  // person ids are PREFIX + 9 digits
  // Companion category -> the share of its registered people (on site, no-shows, online only)
  // who are also in the main event's registry.
  std::vector<std::pair<std::string, double>> share_by_category;
  // Companion category -> the main event's categories such a person holds there, in order of
  // preference (same country always).
  std::map<std::string, std::vector<std::string>> counterpart;
  double other_category = 0;   // registered in any other category at the main event
  double online_at_other = 0;  // on site at the companion, only online at the main event
};

// Throws ScenarioError (the section missing, unknown categories, shares outside 0..1).
OverlapModel parse_overlap(std::string_view companion_json,
                           const std::vector<std::string>& companion_categories,
                           const std::vector<std::string>& main_categories);
OverlapModel load_overlap(const std::string& path,
                          const std::vector<std::string>& companion_categories,
                          const std::vector<std::string>& main_categories);

// Makes some of the companion's registered people the same persons as people of the main event:
// one person id in both registries, the main event's name, organization and (always the same)
// country; each keeps their own badge, category and role at their event. Every other companion
// person gets a person id of their own; the main event's other people none. Only names,
// organizations and person ids change, so neither event's timeline nor truth moves.
// Returns the overlap figures (overlap in venue_truth.json).
boost::json::object link_persons(const OverlapModel& overlap, Population& main,
                                 Population& companion, Random random);

}  // namespace rollcall::tools::scenario
