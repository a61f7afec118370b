#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>

#include "services/export/row_sink.h"

struct lxw_workbook;
struct lxw_worksheet;
struct lxw_format;

namespace rollcall::services::exporting {

// An XLSX workbook, one sheet per table, made with libxlsxwriter in constant-memory mode (rows
// go to temporary files as they come). A workbook is a zip archive that can only be completed
// at the end, so it is built in a temporary file that take() streams out after finish().
class XlsxSink : public RowSink {
 public:
  XlsxSink();
  ~XlsxSink() override;
  XlsxSink(const XlsxSink&) = delete;
  XlsxSink& operator=(const XlsxSink&) = delete;

  void begin_table(std::string_view name, const std::vector<std::string>& columns) override;
  void row(const std::vector<Cell>& cells, const google::protobuf::Message& message) override;
  void set_as_of(std::int64_t ms) override;
  void finish() override;
  bool take(std::string* out, std::size_t max) override;

 private:
  void write(const std::vector<Cell>& cells, lxw_format* format);

  std::filesystem::path dir_;
  lxw_workbook* workbook_ = nullptr;
  lxw_worksheet* sheet_ = nullptr;
  lxw_format* bold_ = nullptr;
  std::uint32_t next_row_ = 0;
  std::ifstream done_;
};

}  // namespace rollcall::services::exporting
