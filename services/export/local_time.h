#pragma once

#include <cstdint>
#include <string>

#include <google/protobuf/timestamp.pb.h>

namespace date {
class time_zone;
}

namespace rollcall::services::exporting {

// Times in exports: spreadsheets get the event's local wall-clock time (what organizers read on
// the venue's clocks), JSON gets protobuf Timestamps (UTC). A stored time outside protobuf's
// range (years 1 to 9999: only a hand-edited log holds one) is shown at the nearest end of it,
// so that every time has a form in every format.

std::int64_t clamp_to_timestamp_range(std::int64_t ms);

// "YYYY-MM-DD HH:MM:SS" in the zone.
std::string local_date_time(std::int64_t ms, const date::time_zone* zone);
// "HH:MM:SS" in the zone.
std::string local_clock(std::int64_t ms, const date::time_zone* zone);
// "YYYY-MM-DD" in the zone.
std::string local_date(std::int64_t ms, const date::time_zone* zone);

google::protobuf::Timestamp timestamp(std::int64_t ms);

// The zone of an event (IANA name); UTC when the name is empty or unknown.
const date::time_zone* zone_or_utc(const std::string& name);

}  // namespace rollcall::services::exporting
