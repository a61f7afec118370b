#include "services/checkin/scan_timing.h"

#include <date/tz.h>
#include <google/protobuf/util/time_util.h>

namespace rollcall::services::checkin {
namespace {

date::local_time<std::chrono::milliseconds> to_local(std::int64_t ms, const date::time_zone* zone) {
  return zone->to_local(date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{ms}});
}

}  // namespace

std::string local_day(std::int64_t ms, const date::time_zone* zone) {
  return date::format("%F", date::floor<date::days>(to_local(ms, zone)));
}

std::string local_minute(std::int64_t ms, const date::time_zone* zone) {
  return date::format("%FT%R", date::floor<std::chrono::minutes>(to_local(ms, zone)));
}

ScanTiming scan_timing(const v1::ScanRequest& request, std::int64_t server_ms,
                       const date::time_zone* zone) {
  using std::chrono::milliseconds;
  ScanTiming timing{.effective_ms = server_ms};
  if (request.has_device_time()) {
    const auto device_ms =
        google::protobuf::util::TimeUtil::TimestampToMilliseconds(request.device_time());
    const auto age = milliseconds{server_ms - device_ms};
    if (age >= -milliseconds{kFutureSkew} && age <= milliseconds{kOldestReplay}) {
      timing.effective_ms = std::min(device_ms, server_ms);
      timing.late = age > milliseconds{kLateAfter};
    }
  }
  timing.day = local_day(timing.effective_ms, zone);
  timing.minute = local_minute(timing.effective_ms, zone);
  return timing;
}

}  // namespace rollcall::services::checkin
