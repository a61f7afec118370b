#pragma once

#include "services/export/row_sink.h"

namespace rollcall::services::exporting {

// RFC 4180 CSV in UTF-8: a header line, CRLF line ends, fields quoted when they hold a comma, a
// quote or a line break (or a semicolon or a tab, which some spreadsheets split on). Names are
// written byte for byte, whatever their script, except that a text cell a spreadsheet would run
// as a formula is made inert (inert_text). Numbers are the cells that are numbers (Cell's
// int64): written bare, they stay numbers. No byte order mark: the registry reader skips one,
// but Unix tools would see it as data.
class CsvSink : public RowSink {
 public:
  void begin_table(std::string_view name, const std::vector<std::string>& columns) override;
  void row(const std::vector<Cell>& cells, const google::protobuf::Message& message) override;

 private:
  void line(const std::vector<std::string>& fields);
  bool started_ = false;
};

std::string csv_field(std::string_view text);

// A text cell as a spreadsheet must show it (OWASP's CSV injection advice): text that starts
// with = + - @, a tab, CR or LF, or their full-width forms (which some spreadsheets read as the
// ASCII ones), also after leading spaces or a byte order mark, gets a leading single quote, so
// that it is shown as text and never run as a formula. Other text is unchanged.
std::string inert_text(std::string_view text);

}  // namespace rollcall::services::exporting
