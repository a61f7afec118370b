#pragma once

#include "services/export/attendance_fold.h"
#include "services/export/row_sink.h"
#include "services/export/suppression.h"

namespace rollcall::services::exporting {

// The countries and categories tables: unique people per group and event day (then "all", the
// whole event), on site, online, either, and the most inside at once. No personal data; public
// once small cells are suppressed. Categories list every configured category, even at zero, so
// that a report can say "no regulators attended on Friday".
void write_countries(const AttendanceFold& fold, const Suppression& suppression, RowSink& sink);
void write_categories(const AttendanceFold& fold, const Suppression& suppression, RowSink& sink);

}  // namespace rollcall::services::exporting
