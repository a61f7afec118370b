#include "services/export/xlsx_sink.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>

#include <xlsxwriter.h>

namespace rollcall::services::exporting {
namespace {

namespace fs = std::filesystem;

constexpr std::uint32_t kMaxRows = 1'048'576;  // what a spreadsheet sheet can hold

fs::path make_private_dir() {
  static std::atomic<unsigned> counter{0};
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto dir = fs::temp_directory_path() /
               ("rollcall-export-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::error_code ec;
    if (fs::create_directory(dir, ec)) return dir;
  }
  throw std::runtime_error("cannot create a temporary directory for the XLSX export");
}

}  // namespace

XlsxSink::XlsxSink() : dir_(make_private_dir()) {
  lxw_workbook_options options{};
  options.constant_memory = LXW_TRUE;
  const std::string tmp = dir_.string();
  options.tmpdir = const_cast<char*>(tmp.c_str());
  const std::string path = (dir_ / "export.xlsx").string();
  workbook_ = workbook_new_opt(path.c_str(), &options);
  if (!workbook_) {
    fs::remove_all(dir_);
    throw std::runtime_error("cannot create the XLSX workbook in " + tmp);
  }
  bold_ = workbook_add_format(workbook_);
  format_set_bold(bold_);
}

XlsxSink::~XlsxSink() {
  if (workbook_) workbook_close(workbook_);
  done_.close();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void XlsxSink::begin_table(std::string_view name, const std::vector<std::string>& columns) {
  const std::string sheet_name(name.substr(0, 31));
  sheet_ = workbook_add_worksheet(workbook_, sheet_name.c_str());
  if (!sheet_) throw std::runtime_error("cannot add sheet " + sheet_name + " to the workbook");
  next_row_ = 0;
  std::vector<Cell> header(columns.begin(), columns.end());
  write(header, bold_);
  worksheet_freeze_panes(sheet_, 1, 0);
}

void XlsxSink::row(const std::vector<Cell>& cells, const google::protobuf::Message&) {
  write(cells, nullptr);
}

void XlsxSink::write(const std::vector<Cell>& cells, lxw_format* format) {
  if (next_row_ >= kMaxRows) {
    throw std::runtime_error("the table has more rows than a spreadsheet sheet holds; use CSV");
  }
  for (std::size_t col = 0; col < cells.size(); ++col) {
    const auto c = static_cast<lxw_col_t>(col);
    if (const auto* number = std::get_if<std::int64_t>(&cells[col])) {
      worksheet_write_number(sheet_, next_row_, c, static_cast<double>(*number), format);
    } else {
      const auto& text = std::get<std::string>(cells[col]);
      if (!text.empty()) worksheet_write_string(sheet_, next_row_, c, text.c_str(), format);
    }
  }
  ++next_row_;
}

void XlsxSink::set_as_of(std::int64_t ms) {
  if (!workbook_) return;
  lxw_doc_properties properties{};
  // 0 would mean "now" to libxlsxwriter: an empty log is dated one second into 1970.
  properties.created = static_cast<time_t>(std::max<std::int64_t>(ms / 1000, 1));
  workbook_set_properties(workbook_, &properties);
}

void XlsxSink::finish() {
  if (!workbook_) return;
  const lxw_error error = workbook_close(workbook_);
  workbook_ = nullptr;
  if (error != LXW_NO_ERROR) {
    throw std::runtime_error(std::string("cannot write the XLSX workbook: ") + lxw_strerror(error));
  }
  done_.open(dir_ / "export.xlsx", std::ios::binary);
  if (!done_) throw std::runtime_error("cannot read back the XLSX workbook");
}

bool XlsxSink::take(std::string* out, std::size_t max) {
  if (!done_.is_open()) return false;
  out->resize(max);
  done_.read(out->data(), static_cast<std::streamsize>(max));
  out->resize(static_cast<std::size_t>(done_.gcount()));
  if (out->empty()) {
    done_.close();
    return false;
  }
  return true;
}

}  // namespace rollcall::services::exporting
