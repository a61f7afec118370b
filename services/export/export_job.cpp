#include "services/export/export_job.h"

#include <algorithm>
#include <stdexcept>

#include "services/export/attendee_table.h"
#include "services/export/csv_sink.h"
#include "services/export/group_table.h"
#include "services/export/json_sink.h"
#include "services/export/scan_table.h"
#include "services/export/summary_table.h"
#include "services/export/xlsx_sink.h"

namespace rollcall::services::exporting {
namespace {

constexpr std::pair<std::string_view, Table> kTables[] = {
    {"attendees", Table::attendees},   {"scans", Table::scans},     {"countries", Table::countries},
    {"categories", Table::categories}, {"summary", Table::summary}, {"all", Table::all}};
constexpr std::pair<std::string_view, Format> kFormats[] = {
    {"csv", Format::csv}, {"json", Format::json}, {"jsonl", Format::jsonl}, {"xlsx", Format::xlsx},
    {"md", Format::md},   {"html", Format::html}, {"txt", Format::txt}};

bool is_report(Format format) {
  return format == Format::md || format == Format::html || format == Format::txt;
}

std::unique_ptr<RowSink> make_sink(Format format) {
  switch (format) {
    case Format::csv:
      return std::make_unique<CsvSink>();
    case Format::json:
      return std::make_unique<JsonSink>(JsonSink::Layout::array);
    case Format::jsonl:
      return std::make_unique<JsonSink>(JsonSink::Layout::lines);
    case Format::xlsx:
      return std::make_unique<XlsxSink>();
    default:
      return nullptr;
  }
}

}  // namespace

std::vector<std::string_view> table_names() {
  std::vector<std::string_view> names;
  for (const auto& [text, table] : kTables) names.push_back(text);
  return names;
}

std::vector<std::string_view> format_names() {
  std::vector<std::string_view> names;
  for (const auto& [text, format] : kFormats) names.push_back(text);
  return names;
}

std::optional<Table> parse_table(std::string_view name) {
  for (const auto& [text, table] : kTables) {
    if (text == name) return table;
  }
  return std::nullopt;
}

std::optional<Format> parse_format(std::string_view name) {
  for (const auto& [text, format] : kFormats) {
    if (text == name) return format;
  }
  return std::nullopt;
}

std::string_view table_name(Table table) {
  for (const auto& [text, t] : kTables) {
    if (t == table) return text;
  }
  return "";
}

std::string_view format_name(Format format) {
  for (const auto& [text, f] : kFormats) {
    if (f == format) return text;
  }
  return "";
}

std::string_view content_type(Format format) {
  switch (format) {
    case Format::csv:
      return "text/csv; charset=utf-8";
    case Format::json:
      return "application/json";
    case Format::jsonl:
      return "application/x-ndjson";
    case Format::xlsx:
      return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    case Format::md:
      return "text/markdown; charset=utf-8";
    case Format::html:
      return "text/html; charset=utf-8";
    case Format::txt:
      return "text/plain; charset=utf-8";
  }
  return "application/octet-stream";
}

std::string options_problem(const ExportOptions& options) {
  if (is_report(options.format) && options.table != Table::summary) {
    return "the md, html and txt formats are the headline report: use them with summary";
  }
  if (options.table == Table::all && options.format != Format::xlsx) {
    return "all tables fit in one file only as xlsx (one sheet per table)";
  }
  if (options.suppress_below < 0) return "--suppress-below must be 0 or more";
  if (options.suppress_below > 1 &&
      (options.table == Table::attendees || options.table == Table::scans ||
       options.table == Table::all)) {
    return "small-cell suppression is for the public tables (countries, categories, summary); "
           "attendees and scans hold personal data and never leave the organizers";
  }
  return "";
}

ExportJob::ExportJob(const ExportOptions& options, const v1::Event& event,
                     const std::vector<v1::Badge>& registry)
    : options_(options), suppression_(options.suppress_below), fold_(event, registry) {
  if (const auto problem = options_problem(options); !problem.empty()) {
    throw std::invalid_argument(problem);
  }
  sink_ = make_sink(options.format);
  // The scans sheet streams as the log is read, so in a workbook of every table it comes first.
  if (options_.table == Table::scans || options_.table == Table::all) {
    sink_->begin_table("scans", scan_columns());
  }
}

bool ExportJob::needs_fold() const {
  return options_.table != Table::scans;
}

void ExportJob::feed(const LogEntry& entry) {
  if (options_.table == Table::scans || options_.table == Table::all) {
    write_scan_row(entry, fold_.zone(), *sink_);
  }
  if (needs_fold()) fold_.feed(entry);
  last_entry_ms_ = std::max(last_entry_ms_, entry.id_ms());
}

void ExportJob::finish() {
  if (needs_fold()) fold_.finish();
  if (!sink_) {
    report_ =
        headline_report(fold_.event(), fold_.days(), summary_figures(fold_), options_.language,
                        options_.format == Format::md     ? ReportFormat::md
                        : options_.format == Format::html ? ReportFormat::html
                                                          : ReportFormat::txt,
                        suppression_);
    return;
  }
  const auto table = options_.table;
  const bool all = table == Table::all;
  if (table == Table::scans || all) sink_->end_table();
  if (table == Table::summary || all) write_summary(summary_figures(fold_), suppression_, *sink_);
  if (table == Table::attendees || all) write_attendees(fold_, *sink_);
  if (table == Table::countries || all) write_countries(fold_, suppression_, *sink_);
  if (table == Table::categories || all) write_categories(fold_, suppression_, *sink_);
  sink_->set_as_of(last_entry_ms_);
  sink_->finish();
}

bool ExportJob::take(std::string* out, std::size_t max) {
  if (sink_) return sink_->take(out, max);
  if (report_taken_ >= report_.size()) return false;
  out->assign(report_, report_taken_, max);
  report_taken_ += out->size();
  return true;
}

}  // namespace rollcall::services::exporting
