#include "services/export/attendee_table.h"

#include <algorithm>

#include "rollcall/v1/export.pb.h"
#include "services/export/local_time.h"

namespace rollcall::services::exporting {

void write_attendees(const AttendanceFold& fold, RowSink& sink) {
  std::vector<std::string> columns = {"badge_id", "name",           "organization", "country",
                                      "category", "earlier_badges", "registered_by"};
  for (const auto& day : fold.days()) {
    for (const char* what : {" attendance", " first_entry", " last_exit", " minutes_online"}) {
      columns.push_back(day + what);
    }
  }
  sink.begin_table("attendees", columns);

  // One row per person (a replaced badge and its successors are one), under the current badge.
  const AttendanceFold::PersonDay nothing;
  for (const auto& holder : fold.person_badges().people()) {
    const auto* badge = holder.current;
    v1::AttendeeRow row;
    row.set_badge_id(badge->badge_id());
    row.set_name(badge->name());
    row.set_organization(badge->organization());
    row.set_country(badge->country());
    row.set_category(badge->category());
    std::string earlier;
    for (const auto& id : holder.earlier) {
      row.add_earlier_badges(id);
      earlier += (earlier.empty() ? "" : " ") + id;
    }
    row.set_registered_by(holder.registered_by);
    std::vector<Cell> cells = {row.badge_id(), row.name(), row.organization(), row.country(),
                               row.category(), earlier,    row.registered_by()};
    const auto* person = fold.badge_person(badge->badge_id());
    for (const auto& day : fold.days()) {
      const AttendanceFold::PersonDay* today = &nothing;
      if (person) {
        const auto it = person->days.find(day);
        if (it != person->days.end()) today = &it->second;
      }
      auto* out = row.add_days();
      out->set_day(day);
      out->set_attendance(today->onsite && today->remote ? v1::both
                          : today->onsite                ? v1::onsite
                          : today->remote                ? v1::remote
                                                         : v1::absent);
      // Rounded to the nearest minute: a 40-second visit is not "0 minutes".
      out->set_minutes_online(static_cast<std::int32_t>((today->online_ms + 30'000) / 60'000));
      cells.push_back(v1::Attendance_Name(out->attendance()));
      if (today->first_entry_ms >= 0) {
        *out->mutable_first_entry() = timestamp(today->first_entry_ms);
        cells.push_back(local_clock(today->first_entry_ms, fold.zone()));
      } else {
        cells.push_back(std::string());
      }
      if (today->last_exit_ms >= 0) {
        *out->mutable_last_exit() = timestamp(today->last_exit_ms);
        cells.push_back(local_clock(today->last_exit_ms, fold.zone()));
      } else {
        cells.push_back(std::string());
      }
      cells.push_back(static_cast<std::int64_t>(out->minutes_online()));
    }
    sink.row(cells, row);
  }
  sink.end_table();
}

}  // namespace rollcall::services::exporting
