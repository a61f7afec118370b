#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "services/export/attendance_fold.h"
#include "services/export/row_sink.h"
#include "services/export/suppression.h"

namespace rollcall::services::exporting {

// One headline figure: what the summary table lists and the report puts into sentences.
struct Figure {
  std::string figure;  // participants, onsite, remote, hybrid, countries_any, countries_onsite,
                       // countries_remote, days, peak_online, inside_peak, category,
                       // category_onsite, category_remote
  std::string day;     // "" for the whole event
  std::string key;     // category id
  std::string label;
  std::int64_t value = 0;
  bool headline = false;  // a category the event marks as headline
};

// Every figure of the summary, computed once from the fold.
std::vector<Figure> summary_figures(const AttendanceFold& fold);

void write_summary(const std::vector<Figure>& figures, const Suppression& suppression,
                   RowSink& sink);

}  // namespace rollcall::services::exporting
