#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <boost/json/object.hpp>

#include "tools/scenario/population.h"
#include "tools/scenario/timeline.h"

namespace rollcall::tools::scenario {

// The ground truth: what rollcall must show after the timeline, worked out from the scenario's
// own model of who did what with ARCHITECTURE.md's counting rules, never by asking rollcall.
// Actions are applied in timeline order; the loadgen keeps each badge's scans in that order
// (it holds a badge's next scan until the previous one is answered), which is all the per-scan
// statuses depend on. Counts of people do not depend on order at all.
class CountingModel {
 public:
  CountingModel(const ScenarioConfig& config, const Population& population);

  void apply(const Action& action);

  // truth.json (see docs/scenario.md). `dates` names the calendar date of each day.
  boost::json::object truth(const std::vector<std::string>& dates) const;

  // Who was where, badge by badge and participant by participant, after the actions applied so
  // far: what a venue's truth needs to count people across events (venue_truth.h).
  struct Remote {
    std::string badge_id;  // empty: joined without a badge
    std::string country;   // as the event counted them (the registry's for a known badge)
    std::string category;
    bool online = false;  // a connection still open
  };
  struct Attendance {
    std::map<std::string, std::set<int>> onsite_days;  // badge -> event days with an entry
    std::set<std::string> inside;                      // badges inside at the end
    std::map<std::string, Remote> remote;              // participant id -> who
  };
  Attendance attendance() const;

 private:
  struct Badge {
    std::string country;
    std::string category;
    bool revoked = false;
  };
  struct BadgeState {
    std::string zone;  // empty: outside
    int inside_day = 0;
    int last_day = 0;  // the last day with an accepted entry
  };
  struct Participant {
    std::string country;
    std::string category;
    std::string badge_id;
    int connections = 0;
    std::set<int> days;
  };
  using Tally = std::map<std::string, std::int64_t>;
  struct Day {
    std::int64_t onsite = 0;
    Tally onsite_by_country;
    Tally onsite_by_category;
    std::int64_t remote = 0;
    Tally remote_by_country;
    Tally remote_by_category;
  };

  void scan(const Action& action);
  void presence(const Action& action);
  std::string scan_status(const ScanAction& scan);
  std::string join(const std::string& holder, const PresenceAction& item, int day);
  std::string leave(const std::string& holder, const PresenceAction& item);
  void leave_zone(BadgeState& state);

  const ScenarioConfig& config_;
  std::unordered_map<std::string, Badge> registry_;
  std::set<std::string> zones_;

  std::unordered_map<std::string, BadgeState> badges_;
  std::unordered_map<std::string, std::string> scan_results_;  // scan_id -> status
  std::unordered_set<std::string> onsite_;
  std::unordered_map<std::string, std::set<int>> onsite_days_;  // badge -> days with an entry
  std::int64_t inside_ = 0;
  Tally inside_by_zone_;
  Tally onsite_by_country_;
  Tally onsite_by_category_;
  std::map<int, Day> days_;
  Tally scans_by_status_;
  Tally desk_results_;  // what desks see, malformed and replays included
  std::int64_t scan_replays_ = 0;

  std::unordered_map<std::string, Participant> participants_;
  std::unordered_map<std::string, std::unordered_map<std::string, int>> held_;  // holder -> pid
  std::unordered_map<std::string, std::string> presence_results_;
  std::unordered_set<std::string> remote_badges_;
  std::int64_t remote_ = 0;
  std::int64_t hybrid_ = 0;
  std::int64_t online_ = 0;
  std::int64_t peak_online_ = 0;
  Tally remote_by_country_;
  Tally remote_by_category_;
  Tally presence_acks_;
  std::int64_t presence_replays_ = 0;

  std::int64_t scans_sent_ = 0;
  std::int64_t presence_sent_ = 0;
  Tally notes_;
};

}  // namespace rollcall::tools::scenario
