#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "rollcall/v1/rollcall.pb.h"
#include "services/export/log_entry.h"
#include "services/export/person_badges.h"

namespace date {
class time_zone;
}

namespace rollcall::services::exporting {

// The audit recount: every counter of {EVENT}:counters rebuilt from the event log alone (the
// outcomes the functions logged, plus the registry for countries and categories). It is a
// second implementation of the counting rules, written from their description rather than
// from rollcall.lua, so that a bug in one shows up as a difference with the other.
class CounterRecount {
 public:
  CounterRecount(const rollcall::v1::Event& event,
                 const std::vector<rollcall::v1::Badge>& registry);

  void feed(const LogEntry& entry);
  const std::map<std::string, std::int64_t>& counters() const { return counters_; }

 private:
  struct BadgeState {
    std::string zone;  // "" when outside
    std::string day;   // the day of the entry that put it inside
  };
  struct Participant {
    std::int64_t open = 0;  // connections
    std::set<std::string> days;
  };

  void add(const std::string& name, std::int64_t by = 1) { counters_[name] += by; }
  void scan(const LogEntry& entry);
  void reset_inside(const LogEntry& entry);
  void presence(const LogEntry& entry);
  void leave(BadgeState& state);
  void note_hybrid(const std::string& person);

  const date::time_zone* zone_;
  std::unordered_map<std::string, const rollcall::v1::Badge*> badges_;
  // A replaced badge and its successors are one person: state, onsite and hybrid are theirs.
  PersonBadges people_;
  std::unordered_map<std::string, BadgeState> state_;      // by person
  std::set<std::string> onsite_, remote_badges_, hybrid_;  // persons
  std::unordered_map<std::string, Participant> participants_;
  std::map<std::string, std::int64_t> counters_;
};

// Families of counters the recount knows; other live fields are reported, not compared.
bool recounted_counter(const std::string& name);

struct CounterDifference {
  std::string name;
  std::int64_t live = 0;
  std::int64_t recount = 0;
};

struct CounterComparison {
  std::vector<CounterDifference> differences;
  std::vector<std::string> not_recounted;  // live fields of families the recount does not know
  std::size_t compared = 0;
};

// Field by field; a missing field counts as 0 (Redis keeps fields that went back to 0).
// Timestamps (desk:ID:last_seen, peak_online_at) compare as numbers like any other field.
CounterComparison compare_counters(const std::map<std::string, std::int64_t>& live,
                                   const std::map<std::string, std::int64_t>& recount);

}  // namespace rollcall::services::exporting
