#pragma once

#include "services/export/row_sink.h"

namespace rollcall::services::exporting {

// RFC 4180 CSV in UTF-8: a header line, CRLF line ends, fields quoted when they hold a comma, a
// quote or a line break. Names are written byte for byte, whatever their script. No byte order
// mark: the registry reader skips one, but Unix tools would see it as data.
class CsvSink : public RowSink {
 public:
  void begin_table(std::string_view name, const std::vector<std::string>& columns) override;
  void row(const std::vector<Cell>& cells, const google::protobuf::Message& message) override;

 private:
  void line(const std::vector<std::string>& fields);
  bool started_ = false;
};

std::string csv_field(std::string_view text);

}  // namespace rollcall::services::exporting
