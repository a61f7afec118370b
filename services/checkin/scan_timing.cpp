#include "services/checkin/scan_timing.h"

#include <charconv>

#include <date/tz.h>

namespace rollcall::services::checkin {
namespace {

date::local_time<std::chrono::milliseconds> to_local(std::int64_t ms, const date::time_zone* zone) {
  return zone->to_local(date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{ms}});
}

std::optional<int> number(std::string_view text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string local_day(std::int64_t ms, const date::time_zone* zone) {
  return date::format("%F", date::floor<date::days>(to_local(ms, zone)));
}

std::string local_minute(std::int64_t ms, const date::time_zone* zone) {
  return date::format("%FT%R", date::floor<std::chrono::minutes>(to_local(ms, zone)));
}

std::optional<std::int64_t> local_day_start_ms(std::string_view day, const date::time_zone* zone,
                                               int add_days) {
  if (day.size() != 10 || day[4] != '-' || day[7] != '-') return std::nullopt;
  const auto y = number(day.substr(0, 4)), m = number(day.substr(5, 2)),
             d = number(day.substr(8, 2));
  if (!y || !m || !d) return std::nullopt;
  const date::year_month_day date{date::year{*y}, date::month{static_cast<unsigned>(*m)},
                                  date::day{static_cast<unsigned>(*d)}};
  if (!date.ok()) return std::nullopt;
  const auto local = date::local_days{date} + date::days{add_days};
  const auto sys = zone->to_sys(local, date::choose::earliest);
  return std::chrono::duration_cast<std::chrono::milliseconds>(sys.time_since_epoch()).count();
}

ScanTiming scan_timing(const v1::ScanRequest& request, std::int64_t server_ms,
                       const date::time_zone* zone, const TimeWindow& event_window) {
  using std::chrono::milliseconds;
  ScanTiming timing{.effective_ms = server_ms};
  if (request.has_device_time()) {
    timing.device_ms =
        believed_ms(request.device_time(), client_time_window(event_window, server_ms));
    if (timing.device_ms) {
      timing.effective_ms = std::min(*timing.device_ms, server_ms);
      timing.late = milliseconds{server_ms - *timing.device_ms} > kLateAfter;
    } else {
      timing.device_time_ignored = true;
    }
  }
  timing.day = local_day(timing.effective_ms, zone);
  timing.minute = local_minute(timing.effective_ms, zone);
  return timing;
}

}  // namespace rollcall::services::checkin
