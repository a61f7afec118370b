#pragma once

#include <filesystem>
#include <string>

#include <boost/json/object.hpp>

#include "tools/scenario/companion.h"
#include "tools/scenario/country_list.h"
#include "tools/scenario/scenario_config.h"
#include "tools/scenario/scenario_generator.h"

namespace rollcall::tools::scenario {

// Two co-located events of one venue (e.g. wsis20 and its companion aifg25) with their people
// linked, and the venue's truth.
struct GeneratedVenue {
  std::string venue_id;
  std::string venue_name;
  GeneratedScenario main;       // exactly what generate() gives for the main scenario alone
  GeneratedScenario companion;  // generated with companion_options()
  GeneratorOptions main_options;
  GeneratorOptions companion_options;
  boost::json::object truth;  // venue_truth.json
};

// The companion's options: its own seed drawn from the main seed, the same scale, and with a
// --last-day its dates moved by as many days as the main event's, so the events keep their
// overlap in the calendar.
GeneratorOptions companion_options(const ScenarioConfig& main, const ScenarioConfig& companion,
                                   const GeneratorOptions& options);

// Both events, the person links (link_persons) and the venue truth (venue_truth). Throws
// ScenarioError when the companion does not name the main scenario or the event ids collide.
GeneratedVenue generate_venue(const ScenarioConfig& main, const ScenarioConfig& companion,
                              const OverlapModel& overlap, const CountryList& countries,
                              const GeneratorOptions& options);

// DIR/<main event id>/ and DIR/<companion event id>/ (each event's four files, registries with
// the person_id column), DIR/venue.json ({"id","name","events"}) and DIR/venue_truth.json.
void write_venue(const GeneratedVenue& venue, const std::filesystem::path& directory);

}  // namespace rollcall::tools::scenario
