#pragma once

#include <cstdint>
#include <string_view>

#include "rollcall/v1/rollcall.pb.h"

namespace rollcall::services::totals {

// The Redis Functions keep every counter of an event as one field of a hash (flat names such as
// "onsite:country:CH" or "day:2025-07-07:category:minister"). This is the one place that knows
// how those names map onto the Totals message that displays and the HTTP API see.
//
// Sets the counter in *totals; returns the day key when the counter lives under days[day]
// (so the caller knows which DayTotals changed), an empty view otherwise. Unknown names are
// ignored (an older gateway facing a newer function library).
struct Placement {
  bool known = false;
  std::string_view day;     // non-empty: the counter is inside days[day]
  bool country_map = false; // onsite_by_country changed (countries_onsite must be recounted)
};
Placement apply_counter(std::string_view name, std::int64_t value, v1::Totals* totals);

// Countries with at least one on-site participant (international organizations excluded).
std::int32_t count_countries(const v1::Totals& totals);

}  // namespace rollcall::services::totals
