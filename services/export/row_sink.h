#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <google/protobuf/message.h>

namespace rollcall::services::exporting {

// One spreadsheet cell: text, or a number that spreadsheets should be able to add up.
using Cell = std::variant<std::string, std::int64_t>;

std::string cell_text(const Cell& cell);

// Where export rows go. Each row comes twice: as flat cells (CSV, XLSX) and as its proto
// message (JSON), so that every format carries the same figures from one computation.
// Output is pulled with take(), so that a caller can write it to a file or to an HTTP chunk as
// it comes, and memory stays flat however long the table.
class RowSink {
 public:
  virtual ~RowSink() = default;

  virtual void begin_table(std::string_view name, const std::vector<std::string>& columns) = 0;
  virtual void row(const std::vector<Cell>& cells, const google::protobuf::Message& message) = 0;
  virtual void end_table() {}
  // The time the output describes (the newest log entry it read), before finish(): a format that
  // stamps a date (XLSX's creation date) uses it instead of the clock, so that the same log makes
  // the same bytes, on a rebuilt Redis too (docs/archive.md).
  virtual void set_as_of(std::int64_t /*ms*/) {}
  // No more tables: complete the output.
  virtual void finish() {}

  // Moves up to about `max` bytes of output ready so far into *out (replacing its content);
  // false when there is nothing to take now.
  virtual bool take(std::string* out, std::size_t max);

 protected:
  std::string buffer_;
};

}  // namespace rollcall::services::exporting
