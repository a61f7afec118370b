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

void two_digits(std::string& out, unsigned value) {
  out += static_cast<char>('0' + value / 10);
  out += static_cast<char>('0' + value % 10);
}

// `day` as date::format("%F") writes it, without its stream and locale: they cost about a tenth
// of a scan's instructions, and every scan formats its day and minute.
std::string day_text(date::local_days day) {
  const date::year_month_day ymd{day};
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) return date::format("%F", day);  // no such scan; as date writes it
  std::string out;
  out.reserve(16);
  two_digits(out, static_cast<unsigned>(year) / 100);
  two_digits(out, static_cast<unsigned>(year) % 100);
  out += '-';
  two_digits(out, static_cast<unsigned>(ymd.month()));
  out += '-';
  two_digits(out, static_cast<unsigned>(ymd.day()));
  return out;
}

}  // namespace

std::string local_day(std::int64_t ms, const date::time_zone* zone) {
  return day_text(date::floor<date::days>(to_local(ms, zone)));
}

std::string local_minute(std::int64_t ms, const date::time_zone* zone) {
  const auto minute = date::floor<std::chrono::minutes>(to_local(ms, zone));
  const auto day = date::floor<date::days>(minute);
  const auto since_midnight = (minute - day).count();  // 0 to 1439
  auto out = day_text(day);
  out += 'T';
  two_digits(out, static_cast<unsigned>(since_midnight / 60));
  out += ':';
  two_digits(out, static_cast<unsigned>(since_midnight % 60));
  return out;
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
