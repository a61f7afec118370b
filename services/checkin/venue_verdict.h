#pragma once

#include <string>
#include <vector>

#include "rollcall/v1/venue.pb.h"

namespace rollcall::services::checkin {

// The events of a venue desk that a plain badge id is checked against: those whose registry
// holds the badge (`known[i]` for the venue's i-th event). A badge none of them knows is counted
// as unknown in the first event only, so that one stray scan is one rejected scan in the
// figures, not one per event. Indexes into the venue's event list, in its order.
std::vector<std::size_t> events_to_count(const std::vector<bool>& known);

// The desk's answer from each event's verdict (at least one): see VenueScanResult. When more
// than one event lets the person through, the first's reason is followed by the others' names
// ("Valid for: WSIS+20, AI for Good.").
v1::VenueScanResult combine_verdicts(std::vector<v1::EventScanResult> events);

}  // namespace rollcall::services::checkin
