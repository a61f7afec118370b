#include "services/export/row_sink.h"

namespace rollcall::services::exporting {

std::string cell_text(const Cell& cell) {
  if (const auto* number = std::get_if<std::int64_t>(&cell)) return std::to_string(*number);
  return std::get<std::string>(cell);
}

bool RowSink::take(std::string* out, std::size_t max) {
  if (buffer_.empty()) return false;
  if (buffer_.size() <= max) {
    out->swap(buffer_);
    buffer_.clear();
  } else {
    out->assign(buffer_, 0, max);
    buffer_.erase(0, max);
  }
  return true;
}

}  // namespace rollcall::services::exporting
