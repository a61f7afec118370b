#include "tools/loadgen/day_mapping.h"

#include <sstream>
#include <stdexcept>

#include <date/date.h>
#include <date/tz.h>

namespace rollcall::tools::loadgen {
namespace {

int days_since_epoch(const std::string& text) {
  std::istringstream in(text);
  date::sys_days day;
  in >> date::parse("%F", day);
  if (in.fail()) throw std::runtime_error("not a date: " + text);
  return day.time_since_epoch().count();
}

}  // namespace

DayMapping::DayMapping(const std::string& time_zone, const std::vector<std::string>& scenario_days,
                       const std::string& last_day)
    : zone_(date::locate_zone(time_zone)) {
  if (scenario_days.empty()) throw std::runtime_error("the timeline lists no event days");
  first_ = days_since_epoch(scenario_days.front());
  if (!last_day.empty()) {
    shift_ = days_since_epoch(last_day) - days_since_epoch(scenario_days.back());
  }
}

std::int64_t DayMapping::map(std::int64_t unix_ms) const {
  if (shift_ == 0) return unix_ms;
  using std::chrono::milliseconds;
  const auto local = zone_->to_local(date::sys_time<milliseconds>{milliseconds{unix_ms}});
  const auto moved = local + date::days{shift_};
  const auto sys = zone_->to_sys(moved, date::choose::earliest);
  return std::chrono::duration_cast<milliseconds>(sys.time_since_epoch()).count();
}

std::string DayMapping::date_of(int index) const {
  return date::format("%F", date::sys_days{date::days{first_ + shift_ + index}});
}

}  // namespace rollcall::tools::loadgen
