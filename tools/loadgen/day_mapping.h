#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace date {
class time_zone;
}

namespace rollcall::tools::loadgen {

// Moves a timeline's device times onto other dates, keeping each local time of day: scenario day
// k becomes the k-th of the same number of days ending at `last_day`. The gateway only honours
// device times from the last 7 days (older scans count for the day they arrive), so a replay of
// a past event must be re-dated to keep its day structure. An empty `last_day` keeps the dates.
class DayMapping {
 public:
  DayMapping(const std::string& time_zone, const std::vector<std::string>& scenario_days,
             const std::string& last_day);

  std::int64_t map(std::int64_t unix_ms) const;
  // The date scenario day `index` (0-based) lands on.
  std::string date_of(int index) const;

 private:
  const date::time_zone* zone_ = nullptr;
  int first_ = 0;  // days since the epoch of the scenario's first day
  int shift_ = 0;  // days added
};

}  // namespace rollcall::tools::loadgen
