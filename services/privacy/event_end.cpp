#include "services/privacy/event_end.h"

#include <chrono>
#include <sstream>

#include <date/date.h>
#include <date/tz.h>

#include "services/export/local_time.h"

namespace rollcall::services::privacy {

std::optional<std::int64_t> event_end_ms(const rollcall::v1::Event& event) {
  std::optional<date::local_days> last;
  for (const auto& text : event.days()) {
    std::istringstream in(text);
    date::local_days day;
    in >> date::parse("%F", day);
    if (in.fail()) return std::nullopt;
    if (!last || day > *last) last = day;
  }
  if (!last) return std::nullopt;
  const auto* zone = exporting::zone_or_utc(event.time_zone());
  const date::local_seconds midnight{*last + date::days{1}};
  // A midnight a DST change skips or repeats: the later instant, so the event is never
  // declared over early.
  const auto at = zone->to_sys(midnight, date::choose::latest);
  return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

}  // namespace rollcall::services::privacy
