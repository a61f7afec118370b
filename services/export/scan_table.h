#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "services/export/log_entry.h"
#include "services/export/row_sink.h"

namespace date {
class time_zone;
}

namespace rollcall::services::exporting {

// The scans table: every scan of the log, in log order, accepted or rejected.
std::vector<std::string> scan_columns();

// Writes the row of a scan entry; other entries (resets, joins, leaves) are no scans and are
// skipped. Returns whether a row was written.
bool write_scan_row(const LogEntry& entry, const date::time_zone* zone, RowSink& sink);

// Why a scan ended as it did, for someone reading the export (no names: the row has the badge).
std::string scan_reason(std::string_view status);

}  // namespace rollcall::services::exporting
