#include "services/checkin/time_window.h"

#include <algorithm>

#include <google/protobuf/util/time_util.h>

#include "services/checkin/scan_timing.h"

namespace rollcall::services::checkin {
namespace {

using google::protobuf::util::TimeUtil;

std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) {
    return b > 0 ? std::numeric_limits<std::int64_t>::max()
                 : std::numeric_limits<std::int64_t>::min();
  }
  return sum;
}

std::string rfc3339(std::int64_t ms) {
  constexpr std::int64_t kMin = TimeUtil::kTimestampMinSeconds * 1000;
  constexpr std::int64_t kMax = TimeUtil::kTimestampMaxSeconds * 1000;
  return TimeUtil::ToString(TimeUtil::MillisecondsToTimestamp(std::clamp(ms, kMin, kMax)));
}

}  // namespace

TimeWindow event_time_window(const v1::Event& event, const date::time_zone* zone,
                             std::chrono::milliseconds margin) {
  std::optional<std::int64_t> first, end;
  for (const auto& day : event.days()) {
    const auto start = local_day_start_ms(day, zone);
    const auto next = start ? local_day_start_ms(day, zone, 1) : std::nullopt;
    if (!start || !next) continue;  // not a date: the importer never writes one
    first = std::min(first.value_or(*start), *start);
    end = std::max(end.value_or(*next), *next);
  }
  if (!first) return {};
  return {.from_ms = saturating_add(*first, -margin.count()),
          .until_ms = saturating_add(*end - 1, margin.count())};
}

TimeWindow client_time_window(const TimeWindow& event_window, std::int64_t server_ms) {
  using std::chrono::milliseconds;
  return {.from_ms = std::max(event_window.from_ms,
                              saturating_add(server_ms, -milliseconds{kOldestReplay}.count())),
          .until_ms = std::min(event_window.until_ms,
                               saturating_add(server_ms, milliseconds{kFutureSkew}.count()))};
}

std::optional<std::int64_t> timestamp_ms(const google::protobuf::Timestamp& at) {
  if (at.seconds() < TimeUtil::kTimestampMinSeconds ||
      at.seconds() > TimeUtil::kTimestampMaxSeconds || at.nanos() < 0 || at.nanos() > 999'999'999) {
    return std::nullopt;
  }
  return TimeUtil::TimestampToMilliseconds(at);
}

std::optional<std::int64_t> believed_ms(const google::protobuf::Timestamp& at,
                                        const TimeWindow& window) {
  const auto ms = timestamp_ms(at);
  if (!ms || !window.contains(*ms)) return std::nullopt;
  return ms;
}

std::string ignored_time_reason(const google::protobuf::Timestamp& at, const TimeWindow& window) {
  const auto ms = timestamp_ms(at);
  const std::string given = ms ? rfc3339(*ms) : "an invalid time";
  if (window.from_ms > window.until_ms) {
    return given + " was ignored: the server's clock is outside the event's days (with their " +
           "margin), so no client clock is believed now; the server's time counted";
  }
  return given + " was ignored: not between " + rfc3339(window.from_ms) + " and " +
         rfc3339(window.until_ms) +
         " (the event's days with their margin, at most 7 days before and 5 minutes after the "
         "server's clock); the server's time counted";
}

std::string_view ignored_time_kind(const google::protobuf::Timestamp& at,
                                   const TimeWindow& window) {
  const auto ms = timestamp_ms(at);
  if (!ms) return "invalid";
  if (window.from_ms > window.until_ms) return "closed";
  return *ms < window.from_ms ? "too_early" : "too_late";
}

}  // namespace rollcall::services::checkin
