#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "rollcall/v1/rollcall.pb.h"
#include "tools/scenario/counting_model.h"
#include "tools/scenario/country_list.h"
#include "tools/scenario/population.h"
#include "tools/scenario/scenario_config.h"
#include "tools/scenario/timeline.h"

namespace rollcall::tools::scenario {

struct GeneratorOptions {
  std::uint64_t seed = 1;
  double scale = 1;
  // The calendar date of the last event day in event.json and truth.json (the timeline's times
  // follow). Empty: the scenario's own dates.
  std::string last_day;
};

struct GeneratedScenario {
  ScenarioConfig config;      // scaled
  rollcall::v1::Event event;  // as written to event.json
  Population population;
  std::vector<Action> actions;
  boost::json::object truth;
  CountingModel::Attendance attendance;  // who was where at the end (for a venue's truth)
};

// The whole scenario in memory, deterministic from (scenario, options). Checks its own truth
// against the scenario's figures (participants, countries, exact categories) and throws
// ScenarioError when they differ, since that would be a bug in the model.
GeneratedScenario generate(const ScenarioConfig& scenario, const CountryList& countries,
                           const GeneratorOptions& options);

// Writes event.json, registry.csv, timeline.jsonl and truth.json into `directory` (created).
void write_scenario(const GeneratedScenario& scenario, const GeneratorOptions& options,
                    const std::filesystem::path& directory);

}  // namespace rollcall::tools::scenario
