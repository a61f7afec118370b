#include "services/export/local_time.h"

#include <algorithm>

#include <date/tz.h>
#include <google/protobuf/util/time_util.h>

namespace rollcall::services::exporting {
namespace {

using Ms = std::chrono::milliseconds;
using google::protobuf::util::TimeUtil;

date::local_time<Ms> to_local(std::int64_t ms, const date::time_zone* zone) {
  return zone->to_local(date::sys_time<Ms>{Ms{clamp_to_timestamp_range(ms)}});
}

}  // namespace

std::int64_t clamp_to_timestamp_range(std::int64_t ms) {
  constexpr std::int64_t kMin = TimeUtil::kTimestampMinSeconds * 1000;
  constexpr std::int64_t kMax = TimeUtil::kTimestampMaxSeconds * 1000 + 999;
  return std::clamp(ms, kMin, kMax);
}

std::string local_date_time(std::int64_t ms, const date::time_zone* zone) {
  return date::format("%F %T", date::floor<std::chrono::seconds>(to_local(ms, zone)));
}

std::string local_clock(std::int64_t ms, const date::time_zone* zone) {
  return date::format("%T", date::floor<std::chrono::seconds>(to_local(ms, zone)));
}

std::string local_date(std::int64_t ms, const date::time_zone* zone) {
  return date::format("%F", date::floor<date::days>(to_local(ms, zone)));
}

google::protobuf::Timestamp timestamp(std::int64_t ms) {
  ms = clamp_to_timestamp_range(ms);
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
