#pragma once

#include <cstdint>
#include <string>

#include "services/export/row_sink.h"

namespace rollcall::services::exporting {

// Small-cell suppression for tables that leave the organizers' hands: a count of 1 to below-1
// people could single someone out (the only minister from a small country), so it is shown as
// "<below". Zero reveals nobody and stays. below <= 1 suppresses nothing.
class Suppression {
 public:
  explicit Suppression(int below = 0) : below_(below) {}

  bool hides(std::int64_t count) const { return count > 0 && count < below_; }
  Cell cell(std::int64_t count) const;
  int below() const { return below_; }

 private:
  int below_;
};

}  // namespace rollcall::services::exporting
