#include "services/export/attendance_fold.h"

#include <algorithm>

#include "services/checkin/scan_timing.h"
#include "services/export/local_time.h"

namespace rollcall::services::exporting {
namespace {

const AttendanceFold::GroupCounts kNone{};

void raise(std::int64_t& peak, std::int64_t value) {
  peak = std::max(peak, value);
}

}  // namespace

bool is_entry_status(std::string_view status) {
  return status == "accepted" || status == "reentry";
}

AttendanceFold::AttendanceFold(const v1::Event& event, const std::vector<v1::Badge>& registry)
    : event_(event),
      zone_(zone_or_utc(event.time_zone())),
      registry_(registry),
      person_badges_(registry),
      event_days_(event.days().begin(), event.days().end()) {
  badges_.reserve(registry.size());
  for (const auto& badge : registry) badges_.emplace(badge.badge_id(), &badge);
}

AttendanceFold::Person& AttendanceFold::person_of_badge(const std::string& badge_id,
                                                        std::string_view person_id) {
  const std::string person =
      person_id.empty() ? person_badges_.person_of(badge_id) : std::string(person_id);
  auto [it, created] = people_.try_emplace("b:" + person);
  if (created) {
    // The current badge speaks for the person (a replacement copies country and category).
    const auto* known = person_badges_.find(person);
    const auto found = badges_.find(badge_id);
    const v1::Badge* badge = known                    ? known->current
                             : found != badges_.end() ? found->second
                                                      : nullptr;
    if (badge) {
      it->second.badge = badge;
      it->second.country = badge->country();
      it->second.category = badge->category();
    }
  }
  return it->second;
}

const AttendanceFold::Person* AttendanceFold::badge_person(const std::string& badge_id) const {
  const auto it = people_.find("b:" + person_badges_.person_of(badge_id));
  return it == people_.end() ? nullptr : &it->second;
}

void AttendanceFold::note_time(std::int64_t ms) {
  last_ms_ = std::max(last_ms_, ms);
}

void AttendanceFold::feed(const LogEntry& entry) {
  const auto type = entry.get("type");
  note_time(entry.id_ms());
  if (type == "scan") {
    on_scan(entry);
  } else if (type == "reset_inside") {
    on_reset(entry);
  } else if (type == "join" || type == "leave") {
    on_presence(entry);
  }
}

void AttendanceFold::on_scan(const LogEntry& entry) {
  const auto status = entry.get("status");
  const bool entry_status = is_entry_status(status);
  if (!entry_status && status != "exit") return;  // rejections and no-ops change no attendance
  Person& person = person_of_badge(std::string(entry.get("badge_id")), entry.get("person"));
  const std::string day(entry.get("day"));
  // When the badge was scanned: the desk's clock, which offline replays keep, when believed.
  const auto at = entry.believed_device_ms().value_or(entry.server_ms());
  seen_days_.insert(day);
  // An entry of an earlier day without its exit: the functions count it out at the next scan.
  if (person.inside && person.inside_day != day) leave(person);
  auto& today = person.days[day];
  if (entry_status) {
    if (status == "accepted") {
      today.onsite = true;
      person.onsite = true;
    }
    if (today.first_entry_ms < 0 || at < today.first_entry_ms) today.first_entry_ms = at;
    if (!person.inside) enter(person, day);
  } else {
    if (person.inside) leave(person);
    today.last_exit_ms = std::max(today.last_exit_ms, at);
  }
}

void AttendanceFold::on_reset(const LogEntry& entry) {
  const std::string day(entry.get("day"));
  for (auto& [key, person] : people_) {
    if (person.inside && person.inside_day < day) leave(person);
  }
}

void AttendanceFold::on_presence(const LogEntry& entry) {
  const auto status = entry.get("status");
  const std::string participant(entry.get("participant_id"));
  auto known = participants_.find(participant);
  if (known == participants_.end()) {
    const std::string badge_id(entry.get("badge_id"));
    const bool registered = !badge_id.empty() && badges_.contains(badge_id);
    std::string key = registered ? "b:" + person_badges_.person_of(badge_id) : "p:" + participant;
    if (registered) person_of_badge(badge_id);  // creates the person with their badge
    known = participants_.emplace(participant, std::move(key)).first;
  }
  auto [it, created] = people_.try_emplace(known->second);
  Person& person = it->second;
  if (created) {
    person.country = entry.get("country");
    person.category = entry.get("category");
  }
  const auto at = entry.presence_ms();
  note_time(at);
  if (status == "joined" || status == "rejoined") {
    const std::string day(entry.get("day"));
    seen_days_.insert(day);
    person.remote = true;
    person.days[day].remote = true;
    if (person.open_connections++ == 0) {
      person.online_since_ms = at;
      raise(peak_online_, ++online_now_);
    }
  } else if (status == "left" && person.open_connections > 0) {
    // An expired lease closes all its holder's connections at once (`count`, absent: one).
    const auto closed = std::max<std::int64_t>(1, entry.get_int("count", 1));
    person.open_connections =
        static_cast<int>(std::max<std::int64_t>(0, person.open_connections - closed));
    if (person.open_connections == 0) {
      add_online(person, person.online_since_ms, at);
      --online_now_;
    }
  }
}

void AttendanceFold::enter(Person& person, const std::string& day) {
  person.inside = true;
  person.inside_day = day;
  raise(peak_country_[day][person.country], ++inside_country_[person.country]);
  raise(peak_category_[day][person.category], ++inside_category_[person.category]);
  raise(peak_total_[day], ++inside_total_);
}

void AttendanceFold::leave(Person& person) {
  person.inside = false;
  --inside_country_[person.country];
  --inside_category_[person.category];
  --inside_total_;
}

void AttendanceFold::add_online(Person& person, std::int64_t from_ms, std::int64_t to_ms) {
  if (from_ms >= to_ms) return;
  // Each day gets its own minutes, but only the days a table can show: the day of each end, and
  // between them the event's days (or, when it lists none, the days the log has shown so far;
  // the log is in server order, so no later entry shows a day before the leave). Walking from
  // midnight to midnight instead would cost the span of the session, which a wrong clock or a
  // hand-edited log makes millennia long.
  const auto first = local_date(from_ms, zone_), last = local_date(to_ms - 1, zone_);
  add_day_part(person, first, from_ms, to_ms);
  if (last == first) return;
  const auto& days = event_days_.empty() ? seen_days_ : event_days_;
  for (auto day = days.upper_bound(first); day != days.end() && *day < last; ++day) {
    add_day_part(person, *day, from_ms, to_ms);
  }
  add_day_part(person, last, from_ms, to_ms);
}

void AttendanceFold::add_day_part(Person& person, const std::string& day, std::int64_t from_ms,
                                  std::int64_t to_ms) {
  const auto start = checkin::local_day_start_ms(day, zone_);
  const auto end = start ? checkin::local_day_start_ms(day, zone_, 1) : std::nullopt;
  if (!end) return;  // not a date: a hand-edited log
  const auto part = std::min(to_ms, *end) - std::max(from_ms, *start);
  if (part > 0) person.days[day].online_ms += part;
}

void AttendanceFold::finish() {
  online_now_ = 0;
  for (auto& [key, person] : people_) {
    if (person.open_connections > 0) {
      add_online(person, person.online_since_ms, std::max(last_ms_, person.online_since_ms));
      person.open_connections = 0;
    }
  }
  if (event_.days_size() > 0) {
    days_.assign(event_.days().begin(), event_.days().end());
  } else {
    days_.assign(seen_days_.begin(), seen_days_.end());
  }

  auto count = [](GroupCounts& counts, bool onsite, bool remote) {
    counts.onsite += onsite;
    counts.remote += remote;
    counts.either += onsite || remote;
  };
  for (const auto& [key, person] : people_) {
    for (const auto& [day, today] : person.days) {
      if (!today.onsite && !today.remote) continue;
      count(by_country_[day][person.country], today.onsite, today.remote);
      count(by_category_[day][person.category], today.onsite, today.remote);
      count(totals_[day], today.onsite, today.remote);
    }
    if (person.onsite || person.remote) {
      count(by_country_[kAll][person.country], person.onsite, person.remote);
      count(by_category_[kAll][person.category], person.onsite, person.remote);
      count(totals_[kAll], person.onsite, person.remote);
    }
    hybrid_ += person.badge && person.onsite && person.remote;
  }
  auto peaks = [](const auto& peaks_by_day, GroupTable& table) {
    for (const auto& [day, groups] : peaks_by_day) {
      for (const auto& [group, peak] : groups) {
        table[day][group].inside_peak = peak;
        raise(table[kAll][group].inside_peak, peak);
      }
    }
  };
  peaks(peak_country_, by_country_);
  peaks(peak_category_, by_category_);
  for (const auto& [day, peak] : peak_total_) {
    totals_[day].inside_peak = peak;
    raise(totals_[kAll].inside_peak, peak);
  }
  // Countries represented: international organizations (no country) are not a country.
  for (const auto& [country, counts] : by_country_[kAll]) {
    if (country.empty()) continue;
    countries_onsite_ += counts.onsite > 0;
    countries_remote_ += counts.remote > 0;
    countries_any_ += counts.either > 0;
  }
}

const AttendanceFold::GroupCounts& AttendanceFold::totals(const std::string& day) const {
  const auto it = totals_.find(day);
  return it == totals_.end() ? kNone : it->second;
}

std::int64_t AttendanceFold::peak_inside(const std::string& day) const {
  return totals(day).inside_peak;
}

}  // namespace rollcall::services::exporting
