#include "tools/scenario/event_clock.h"

#include <sstream>
#include <stdexcept>

#include <date/date.h>
#include <date/tz.h>

namespace rollcall::tools::scenario {

EventClock::EventClock(std::string_view time_zone, std::string_view first_day) {
  try {
    zone_ = date::locate_zone(std::string(time_zone));
  } catch (const std::exception&) {
    throw std::runtime_error("unknown time zone " + std::string(time_zone));
  }
  std::istringstream in{std::string(first_day)};
  date::sys_days day;
  in >> date::parse("%F", day);
  if (in.fail()) throw std::runtime_error("not a date: " + std::string(first_day));
  day0_ = day.time_since_epoch().count() - 1;
}

std::int64_t EventClock::unix_ms(std::int64_t scenario_ms) const {
  const auto local = date::local_days{date::days{day0_}} + std::chrono::milliseconds{scenario_ms};
  // The earlier instant on the night clocks go back; nobody scans at 02:30 anyway.
  const auto sys = zone_->to_sys(local, date::choose::earliest);
  return std::chrono::duration_cast<std::chrono::milliseconds>(sys.time_since_epoch()).count();
}

std::string EventClock::rfc3339(std::int64_t scenario_ms) const {
  return rfc3339_utc(unix_ms(scenario_ms));
}

std::string EventClock::date_of_day(int day) const {
  return date::format("%F", date::sys_days{date::days{day0_ + day}});
}

std::string rfc3339_utc(std::int64_t unix_ms) {
  const date::sys_time<std::chrono::milliseconds> at{std::chrono::milliseconds{unix_ms}};
  return date::format("%FT%TZ", at);
}

}  // namespace rollcall::tools::scenario

namespace rollcall::tools::scenario {
namespace {

date::sys_days parse_date(std::string_view text) {
  std::istringstream in{std::string(text)};
  date::sys_days day;
  in >> date::parse("%F", day);
  if (in.fail() || text.size() != 10) throw std::runtime_error("not a date: " + std::string(text));
  return day;
}

}  // namespace

std::string resolve_day(std::string_view spec, std::string_view time_zone,
                        std::int64_t now_unix_ms) {
  if (spec != "today" && spec != "yesterday") return date::format("%F", parse_date(spec));
  const auto* zone = date::locate_zone(std::string(time_zone));
  const auto local = zone->to_local(
      date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{now_unix_ms}});
  auto day = date::floor<date::days>(local);
  if (spec == "yesterday") day -= date::days{1};
  return date::format("%F", day);
}

std::vector<std::string> days_ending(std::string_view last, int count) {
  const auto end = parse_date(last);
  std::vector<std::string> days;
  for (int i = count - 1; i >= 0; --i) days.push_back(date::format("%F", end - date::days{i}));
  return days;
}

}  // namespace rollcall::tools::scenario
