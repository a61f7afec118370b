#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tools/scenario/population.h"
#include "tools/scenario/random.h"
#include "tools/scenario/scenario_config.h"

namespace rollcall::tools::scenario {

// Why an action is in the timeline beyond ordinary attendance (for the loadgen's report and
// for people reading the file).
enum class Note { none, duplicate, offline_replay, eve, unknown_badge, malformed, revoked, stray };

struct ScanAction {
  std::string scan_id;
  std::string badge_id;
  std::string desk_id;
  std::string zone;
  bool in = true;
  std::int64_t device_ms = 0;  // scenario time the badge was scanned (see EventClock)
};

struct PresenceAction {
  std::string presence_id;
  bool join = true;
  std::string participant_id;
  std::string badge_id;
  std::string country;
  std::string category;
  std::string platform;
  std::string session;
  std::int64_t time_ms = 0;  // scenario time
};

// One line of timeline.jsonl: something a desk or a bridge sends at scenario time `t_ms`.
struct Action {
  std::int64_t t_ms = 0;
  std::uint64_t order = 0;  // generation order: ties in t_ms keep it, so sorting is stable
  bool is_scan = true;
  Note note = Note::none;
  std::string bridge;  // presence actions
  ScanAction scan;
  PresenceAction presence;
};

// Every scan and presence event of the scenario, sorted by the time it is sent.
std::vector<Action> build_timeline(const ScenarioConfig& config, const Population& population,
                                   const Random& random);

}  // namespace rollcall::tools::scenario
