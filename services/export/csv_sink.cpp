#include "services/export/csv_sink.h"

#include <array>
#include <stdexcept>

namespace rollcall::services::exporting {
namespace {

// What may stand before a formula and be skipped by a spreadsheet: spaces (ASCII, no-break,
// ideographic) and a byte order mark.
constexpr std::array<std::string_view, 4> kIgnorable = {" ", "\u00A0", "\u3000", "\uFEFF"};
// What starts a formula (or, in Lotus-compatible mode, a function call), in ASCII and full-width.
constexpr std::array<std::string_view, 11> kFormulaStart = {
    "=", "+", "-", "@", "\t", "\r", "\n", "\uFF1D", "\uFF0B", "\uFF0D", "\uFF20"};

bool starts_with_any(std::string_view text, const auto& prefixes, std::size_t* length = nullptr) {
  for (const auto prefix : prefixes) {
    if (text.starts_with(prefix)) {
      if (length) *length = prefix.size();
      return true;
    }
  }
  return false;
}

}  // namespace

std::string inert_text(std::string_view text) {
  auto rest = text;
  // A tab, CR or LF is dangerous first, so it is checked before being skipped as space.
  for (std::size_t n = 0;
       !starts_with_any(rest, kFormulaStart) && starts_with_any(rest, kIgnorable, &n);) {
    rest.remove_prefix(n);
  }
  if (!starts_with_any(rest, kFormulaStart)) return std::string(text);
  return "'" + std::string(text);
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n;\t") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

void CsvSink::begin_table(std::string_view name, const std::vector<std::string>& columns) {
  // One CSV file holds one table: a second header in the middle would not parse as CSV.
  if (started_) throw std::logic_error("a CSV export holds one table");
  started_ = true;
  std::vector<std::string> header;  // day columns come from the event file or the log
  header.reserve(columns.size());
  for (const auto& column : columns) header.push_back(inert_text(column));
  line(header);
}

void CsvSink::row(const std::vector<Cell>& cells, const google::protobuf::Message&) {
  std::vector<std::string> fields;
  fields.reserve(cells.size());
  for (const auto& cell : cells) {
    const auto* text = std::get_if<std::string>(&cell);
    fields.push_back(text ? inert_text(*text) : cell_text(cell));
  }
  line(fields);
}

void CsvSink::line(const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) buffer_ += ',';
    buffer_ += csv_field(fields[i]);
  }
  buffer_ += "\r\n";
}

}  // namespace rollcall::services::exporting
