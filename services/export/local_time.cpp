#include "services/export/local_time.h"

#include <date/tz.h>

namespace rollcall::services::exporting {
namespace {

using Ms = std::chrono::milliseconds;

date::local_time<Ms> to_local(std::int64_t ms, const date::time_zone* zone) {
  return zone->to_local(date::sys_time<Ms>{Ms{ms}});
}

}  // namespace

std::string local_date_time(std::int64_t ms, const date::time_zone* zone) {
  return date::format("%F %T", date::floor<std::chrono::seconds>(to_local(ms, zone)));
}

std::string local_clock(std::int64_t ms, const date::time_zone* zone) {
  return date::format("%T", date::floor<std::chrono::seconds>(to_local(ms, zone)));
}

std::string local_date(std::int64_t ms, const date::time_zone* zone) {
  return date::format("%F", date::floor<date::days>(to_local(ms, zone)));
}

std::int64_t next_local_midnight(std::int64_t ms, const date::time_zone* zone) {
  const auto next = date::floor<date::days>(to_local(ms, zone)) + date::days{1};
  // A midnight that a DST change skips or repeats: take its earliest UTC instant.
  const auto sys = zone->to_sys(date::local_time<Ms>{next}, date::choose::earliest);
  return std::chrono::duration_cast<Ms>(sys.time_since_epoch()).count();
}

google::protobuf::Timestamp timestamp(std::int64_t ms) {
  google::protobuf::Timestamp t;
  auto seconds = ms / 1000, rest = ms % 1000;
  if (rest < 0) {
    rest += 1000;
    --seconds;
  }
  t.set_seconds(seconds);
  t.set_nanos(static_cast<std::int32_t>(rest) * 1'000'000);
  return t;
}

const date::time_zone* zone_or_utc(const std::string& name) {
  try {
    if (!name.empty()) return date::locate_zone(name);
  } catch (const std::exception&) {
  }
  return date::locate_zone("UTC");
}

}  // namespace rollcall::services::exporting
