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
  std::string_view day;   // non-empty: the counter is inside days[day]
  bool derived = false;   // a figure derive_figures() computes from it may have changed
  std::string_view desk;  // non-empty: the counter is inside desks[desk]
};
Placement apply_counter(std::string_view name, std::int64_t value, v1::Totals* totals);

// Removes what a counter that no longer exists put into *totals. Only desk counters are ever
// removed (a forgotten desk): the desk leaves totals->desks. Returns whether the name was one.
bool forget_counter(std::string_view name, v1::Totals* totals);

// Figures computed from counters rather than kept in Redis: countries represented on site,
// online and either (international organizations excluded), and unique participants
// (on site + remote - hybrid, each person once).
void derive_figures(v1::Totals* totals);

}  // namespace rollcall::services::totals
