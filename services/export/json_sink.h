#pragma once

#include "services/export/row_sink.h"

namespace rollcall::services::exporting {

// Rows in protobuf's JSON mapping (proto field names, every field printed), either as one JSON
// document, an array of the rows (`.json`: what a JSON parser reads whole), or as JSON Lines,
// one row per line (`.jsonl`: what a reader streams line by line). Both are written as the rows
// come, so memory stays flat either way.
class JsonSink : public RowSink {
 public:
  enum class Layout { array, lines };
  explicit JsonSink(Layout layout) : layout_(layout) {}

  void begin_table(std::string_view name, const std::vector<std::string>& columns) override;
  void row(const std::vector<Cell>& cells, const google::protobuf::Message& message) override;
  void finish() override;

 private:
  Layout layout_;
  bool started_ = false;
  bool any_row_ = false;
};

}  // namespace rollcall::services::exporting
