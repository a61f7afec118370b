#pragma once

#include "services/export/row_sink.h"

namespace rollcall::services::exporting {

// Newline-delimited JSON: one row message per line in protobuf's JSON mapping (proto field
// names, every field printed). Chosen over one big array so that a reader can stream it line by
// line just as the export is streamed out.
class JsonSink : public RowSink {
 public:
  void begin_table(std::string_view name, const std::vector<std::string>& columns) override;
  void row(const std::vector<Cell>& cells, const google::protobuf::Message& message) override;

 private:
  bool started_ = false;
};

}  // namespace rollcall::services::exporting
