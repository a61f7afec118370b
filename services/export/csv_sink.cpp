#include "services/export/csv_sink.h"

#include <stdexcept>

namespace rollcall::services::exporting {

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
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
  line(columns);
}

void CsvSink::row(const std::vector<Cell>& cells, const google::protobuf::Message&) {
  std::vector<std::string> fields;
  fields.reserve(cells.size());
  for (const auto& cell : cells) fields.push_back(cell_text(cell));
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
