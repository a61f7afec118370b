#pragma once

#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rollcall/v1/rollcall.pb.h"

namespace rollcall::tools::scenario {

// A scenario file that cannot be used; what() is one line for people.
class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Times of day are minutes after local midnight in the event's time zone.
struct ClockSpread {
  int mean = 0;
  int sd = 0;
  int earliest = 0;
  int latest = 0;
};

struct Arrival : ClockSpread {
  double late_share = 0;
  int late_from = 0;
  int late_to = 0;
};

struct Lunch {
  double share = 0;
  int from = 0;
  int to = 0;
  int min_minutes = 0;
  int max_minutes = 0;
};

struct OfflinePeriod {
  std::string desk;
  int day = 1;  // 1-based event day
  int from = 0;
  int to = 0;
};

struct Session {
  std::string name;
  int day = 1;
  int start = 0;
  int end = 0;
  double weight = 1;
  bool storm = false;  // a plenary: everyone joins within a few minutes of the start
};

struct OnsiteModel {
  std::int64_t participants = 0;
  int countries = 0;
  std::vector<std::pair<std::string, std::int64_t>> exact_categories;
  std::set<std::string> international_categories;  // registered without a country
  std::vector<std::pair<std::string, double>> category_shares;
  std::vector<std::pair<std::string, double>> country_weights;  // file order
  int tail_min = 1;
  int tail_max = 3;
  std::set<std::string> no_delegation;
  std::int64_t no_shows = 0;
  std::int64_t revoked = 0;
  std::vector<double> first_day_weights;
  std::vector<double> days_weights;  // index i: attends i + 1 days
  double attend_probability = 1;
  Arrival arrival;
  Lunch lunch;
  ClockSpread departure;
  double missed_exit = 0;
  double missed_entry = 0;
  double double_entry = 0;
  double side_event_share = 0;
  std::int64_t eve_scans = 0;
};

struct RemoteModel {
  std::int64_t hybrid = 0;
  std::int64_t registered_online_only = 0;
  std::int64_t unregistered = 0;
  double no_country_share = 0;
  double world_share = 0;
  std::vector<std::pair<std::string, std::string>> bridges;  // bridge id, platform
  int sessions_min = 1;
  int sessions_max = 1;
  double early_leave = 0;
  double drop_rejoin = 0;
  double missed_leave = 0;
  double duplicate_share = 0;
  std::int64_t stray_leaves = 0;
  std::vector<Session> sessions;
};

struct ScenarioConfig {
  std::string name;
  rollcall::v1::Event event;
  // Printed badge ids are PREFIX + 7 digits; badges of another event shown at this event's gates
  // are UNKNOWN_PREFIX + 5 digits; a phone reading another QR code gives MALFORMED_URL + N.
  std::string badge_prefix = "W25-";
  std::string unknown_badge_prefix = "AIFG25-";
  std::string malformed_url = "https://aiforgood.itu.int/summit25/";
  OnsiteModel onsite;
  std::vector<std::pair<std::string, int>> desks;  // zone, number of desks
  std::vector<OfflinePeriod> offline;
  double duplicate_share = 0;
  std::int64_t unknown_badge_scans = 0;
  std::int64_t malformed_scans = 0;
  int revoked_scans_min = 1;
  int revoked_scans_max = 1;
  RemoteModel remote;
};

// Parses and checks a scenario file (see docs/scenario.md). Throws ScenarioError.
ScenarioConfig parse_scenario(std::string_view json);
ScenarioConfig load_scenario(const std::string& path);

// The same scenario with every head count multiplied by `scale` (rounded; a count that is not
// zero stays at least 1). Countries shrink only when there are too few people to fill them.
ScenarioConfig scaled(ScenarioConfig config, double scale);

// "HH:MM" -> minutes after midnight; throws ScenarioError.
int parse_clock(std::string_view text);

// The desk ids of a zone: "ZONE-01", "ZONE-02", ...
std::vector<std::string> desk_ids(const ScenarioConfig& config, std::string_view zone);

}  // namespace rollcall::tools::scenario
