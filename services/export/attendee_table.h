#pragma once

#include "services/export/attendance_fold.h"
#include "services/export/row_sink.h"

namespace rollcall::services::exporting {

// The attendees table: one row per registered person, in the order of their current badge's id
// (earlier_badges: the badges it replaced, space-separated in CSV; registered_by: the desk token
// of a walk-in), with per event day its
// attendance (onsite, remote, both, absent), first entry and last exit (local time) and minutes
// online. Personal data: organizers only.
void write_attendees(const AttendanceFold& fold, RowSink& sink);

}  // namespace rollcall::services::exporting
