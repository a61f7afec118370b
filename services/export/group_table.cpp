#include "services/export/group_table.h"

#include <set>

#include "rollcall/v1/export.pb.h"

namespace rollcall::services::exporting {
namespace {

using Counts = AttendanceFold::GroupCounts;

// The counts of a row as cells and as optional proto fields, suppressed alike.
void add_counts(const Counts& counts, const Suppression& suppression, v1::GroupDayRow& row,
                std::vector<Cell>& cells) {
  struct Figure {
    const char* name;
    std::int64_t value;
    void (v1::GroupDayRow::*set)(std::int32_t);
  };
  const Figure figures[] = {{"onsite", counts.onsite, &v1::GroupDayRow::set_onsite},
                            {"remote", counts.remote, &v1::GroupDayRow::set_remote},
                            {"either", counts.either, &v1::GroupDayRow::set_either},
                            {"inside_peak", counts.inside_peak, &v1::GroupDayRow::set_inside_peak}};
  for (const auto& figure : figures) {
    cells.push_back(suppression.cell(figure.value));
    if (suppression.hides(figure.value)) {
      row.add_suppressed(figure.name);
    } else {
      (row.*figure.set)(static_cast<std::int32_t>(figure.value));
    }
  }
}

std::vector<std::string> row_days(const AttendanceFold& fold) {
  auto days = fold.days();
  days.push_back(AttendanceFold::kAll);
  return days;
}

const std::map<std::string, Counts>& groups_of(const AttendanceFold::GroupTable& table,
                                               const std::string& day) {
  static const std::map<std::string, Counts> kEmpty;
  const auto it = table.find(day);
  return it == table.end() ? kEmpty : it->second;
}

}  // namespace

void write_countries(const AttendanceFold& fold, const Suppression& suppression, RowSink& sink) {
  sink.begin_table("countries", {"day", "country", "onsite", "remote", "either", "inside_peak"});
  for (const auto& day : row_days(fold)) {
    for (const auto& [country, counts] : groups_of(fold.by_country(), day)) {
      v1::GroupDayRow row;
      row.set_day(day);
      row.set_country(country);
      std::vector<Cell> cells = {day, country};
      add_counts(counts, suppression, row, cells);
      sink.row(cells, row);
    }
  }
  sink.end_table();
}

void write_categories(const AttendanceFold& fold, const Suppression& suppression, RowSink& sink) {
  sink.begin_table("categories",
                   {"day", "category", "label", "onsite", "remote", "either", "inside_peak"});
  std::vector<std::pair<std::string, std::string>> categories;  // configured order first
  std::set<std::string> listed;
  for (const auto& category : fold.event().categories()) {
    categories.emplace_back(category.id(), category.label());
    listed.insert(category.id());
  }
  for (const auto& [day, groups] : fold.by_category()) {
    for (const auto& [id, counts] : groups) {
      if (listed.insert(id).second) categories.emplace_back(id, id);
    }
  }
  for (const auto& day : row_days(fold)) {
    const auto& groups = groups_of(fold.by_category(), day);
    for (const auto& [id, label] : categories) {
      const auto it = groups.find(id);
      const Counts counts = it == groups.end() ? Counts{} : it->second;
      v1::GroupDayRow row;
      row.set_day(day);
      row.set_category(id);
      row.set_label(label);
      std::vector<Cell> cells = {day, id, label};
      add_counts(counts, suppression, row, cells);
      sink.row(cells, row);
    }
  }
  sink.end_table();
}

}  // namespace rollcall::services::exporting
