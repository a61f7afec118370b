#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rollcall/v1/rollcall.pb.h"
#include "services/export/attendance_fold.h"
#include "services/export/headline_report.h"
#include "services/export/log_entry.h"
#include "services/export/row_sink.h"
#include "services/export/suppression.h"

namespace rollcall::services::exporting {

// `all` is every table in one workbook (XLSX only: other formats hold one table).
enum class Table { attendees, scans, countries, categories, summary, all };
// json: one JSON document (an array of rows); jsonl: JSON Lines, one row a line.
enum class Format { csv, json, jsonl, xlsx, md, html, txt };

// Every table and every format by name, in the order of the enums: what the HTTP route, the CLI
// and the tests enumerate, so that a new export is served and tried everywhere at once. Not every
// pair makes an export: see options_problem().
std::vector<std::string_view> table_names();
std::vector<std::string_view> format_names();

std::optional<Table> parse_table(std::string_view name);
std::optional<Format> parse_format(std::string_view name);
std::string_view table_name(Table table);
std::string_view format_name(Format format);
std::string_view content_type(Format format);

struct ExportOptions {
  Table table = Table::summary;
  Format format = Format::csv;
  Language language = Language::en;
  int suppress_below = 0;  // 0: no suppression
};

// Why these options make no export ("" when they do): reports are for the summary only,
// suppression is for the public tables, one CSV or JSON file holds one table.
std::string options_problem(const ExportOptions& options);

// One export, fed the event log in order and pulled for its output as it is produced: the
// scans table streams row by row; the other tables come at finish(), from per-person state.
// Knows nothing of where the log comes from or where the bytes go.
class ExportJob {
 public:
  // `registry` must outlive the job. Throws std::invalid_argument when options_problem().
  ExportJob(const ExportOptions& options, const rollcall::v1::Event& event,
            const std::vector<rollcall::v1::Badge>& registry);

  void feed(const LogEntry& entry);
  void finish();
  // Up to about `max` bytes of output (replacing *out); false when there is none right now.
  bool take(std::string* out, std::size_t max = 64 * 1024);

 private:
  bool needs_fold() const;

  ExportOptions options_;
  Suppression suppression_;
  std::unique_ptr<RowSink> sink_;
  std::int64_t last_entry_ms_ = 0;  // the newest log entry fed: the time the output describes
  AttendanceFold fold_;
  std::string report_;  // md/html/txt output
  std::size_t report_taken_ = 0;
};

}  // namespace rollcall::services::exporting
