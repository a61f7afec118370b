#include "services/export/summary_table.h"

#include "rollcall/v1/export.pb.h"

namespace rollcall::services::exporting {

std::vector<Figure> summary_figures(const AttendanceFold& fold) {
  const auto& all = fold.totals(AttendanceFold::kAll);
  std::vector<Figure> figures = {
      {"participants", "", "", "Participants (each person once, on site or online)", all.either},
      {"onsite", "", "", "On-site participants", all.onsite},
      {"remote", "", "", "Online participants", all.remote},
      {"hybrid", "", "", "Registered participants both on site and online", fold.hybrid()},
      {"countries_any", "", "", "Countries represented", fold.countries_any()},
      {"countries_onsite", "", "", "Countries represented on site", fold.countries_onsite()},
      {"countries_remote", "", "", "Countries represented online", fold.countries_remote()},
      {"days", "", "", "Event days", static_cast<std::int64_t>(fold.days().size())},
      {"peak_online", "", "", "Most participants online at once", fold.peak_online()},
      {"inside_peak", "", "", "Most participants inside at once", all.inside_peak},
  };
  for (const auto& day : fold.days()) {
    const auto& counts = fold.totals(day);
    figures.push_back({"participants", day, "", "Participants that day", counts.either});
    figures.push_back({"onsite", day, "", "On-site participants that day", counts.onsite});
    figures.push_back({"remote", day, "", "Online participants that day", counts.remote});
    figures.push_back({"inside_peak", day, "", "Most inside at once that day", counts.inside_peak});
  }
  const auto& categories = fold.by_category();
  const auto all_categories = categories.find(AttendanceFold::kAll);
  for (const auto& category : fold.event().categories()) {
    AttendanceFold::GroupCounts counts;
    if (all_categories != categories.end()) {
      const auto it = all_categories->second.find(category.id());
      if (it != all_categories->second.end()) counts = it->second;
    }
    const std::string label = category.label().empty() ? category.id() : category.label();
    figures.push_back({"category", "", category.id(), label, counts.either, category.headline()});
    figures.push_back({"category_onsite", "", category.id(), label + " on site", counts.onsite,
                       category.headline()});
    figures.push_back({"category_remote", "", category.id(), label + " online", counts.remote,
                       category.headline()});
  }
  return figures;
}

void write_summary(const std::vector<Figure>& figures, const Suppression& suppression,
                   RowSink& sink) {
  sink.begin_table("summary", {"figure", "day", "key", "label", "value"});
  for (const auto& figure : figures) {
    v1::SummaryRow row;
    row.set_figure(figure.figure);
    row.set_day(figure.day);
    row.set_key(figure.key);
    row.set_label(figure.label);
    // Counts of people are suppressed; days and countries are not people.
    const bool people = figure.figure != "days" && !figure.figure.starts_with("countries_");
    if (people && suppression.hides(figure.value)) {
      row.set_suppressed(true);
    } else {
      row.set_value(static_cast<std::int32_t>(figure.value));
    }
    sink.row({figure.figure, figure.day, figure.key, figure.label,
              people ? suppression.cell(figure.value) : Cell{figure.value}},
             row);
  }
  sink.end_table();
}

}  // namespace rollcall::services::exporting
