#include "services/export/suppression.h"

namespace rollcall::services::exporting {

Cell Suppression::cell(std::int64_t count) const {
  if (hides(count)) return "<" + std::to_string(below_);
  return count;
}

}  // namespace rollcall::services::exporting
