#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "rollcall/v1/rollcall.pb.h"
#include "services/export/log_entry.h"
#include "services/export/person_badges.h"

namespace date {
class time_zone;
}

namespace rollcall::services::exporting {

// Who took part when, folded from the event log in order: the source of the attendees,
// countries, categories and summary tables. State is per person and day (bounded by the
// registry and the online participants), never per scan, so memory stays flat in the log size.
//
// A person is a registered badge with the badges that replaced it (PersonBadges), or an online
// participant that names no known badge; an online participant that names a known badge is that
// badge's person (hybrid participation).
class AttendanceFold {
 public:
  struct PersonDay {
    bool onsite = false;
    bool remote = false;
    std::int64_t first_entry_ms = -1;
    std::int64_t last_exit_ms = -1;
    std::int64_t online_ms = 0;
  };

  struct Person {
    // The person's current badge; null: an online participant without a badge.
    const rollcall::v1::Badge* badge = nullptr;
    std::string country;
    std::string category;
    std::map<std::string, PersonDay> days;
    bool onsite = false;  // on site at least once
    bool remote = false;  // online at least once
    bool inside = false;
    std::string inside_day;
    int open_connections = 0;
    std::int64_t online_since_ms = 0;
  };

  // Unique people of one group on one day ("all": the whole event).
  struct GroupCounts {
    std::int64_t onsite = 0;
    std::int64_t remote = 0;
    std::int64_t either = 0;
    std::int64_t inside_peak = 0;
  };
  using GroupTable = std::map<std::string, std::map<std::string, GroupCounts>>;  // day, group

  AttendanceFold(const rollcall::v1::Event& event,
                 const std::vector<rollcall::v1::Badge>& registry);

  void feed(const LogEntry& entry);
  // Closes connections still open at the last time the log shows, then computes the tables.
  void finish();

  const rollcall::v1::Event& event() const { return event_; }
  const date::time_zone* zone() const { return zone_; }
  // The event's days, or when it has none configured, every day the log shows activity on.
  const std::vector<std::string>& days() const { return days_; }
  const std::vector<rollcall::v1::Badge>& registry() const { return registry_; }
  // The person of a registered badge (any of their badges); null when they never took part.
  const Person* badge_person(const std::string& badge_id) const;
  // The registry grouped by person.
  const PersonBadges& person_badges() const { return person_badges_; }

  const GroupTable& by_country() const { return by_country_; }
  const GroupTable& by_category() const { return by_category_; }
  const GroupCounts& totals(const std::string& day) const;  // everyone; day or "all"
  std::int64_t hybrid() const { return hybrid_; }
  std::int64_t peak_online() const { return peak_online_; }
  std::int64_t peak_inside(const std::string& day) const;
  std::int64_t countries_onsite() const { return countries_onsite_; }
  std::int64_t countries_remote() const { return countries_remote_; }
  std::int64_t countries_any() const { return countries_any_; }

  static constexpr const char* kAll = "all";

 private:
  // `person_id`: the person the log names for the badge, if any (a scan of a replacement).
  Person& person_of_badge(const std::string& badge_id, std::string_view person_id = {});
  void on_scan(const LogEntry& entry);
  void on_reset(const LogEntry& entry);
  void on_presence(const LogEntry& entry);
  void enter(Person& person, const std::string& day);
  void leave(Person& person);
  void add_online(Person& person, std::int64_t from_ms, std::int64_t to_ms);
  void add_day_part(Person& person, const std::string& day, std::int64_t from_ms,
                    std::int64_t to_ms);
  void note_time(std::int64_t ms);

  rollcall::v1::Event event_;
  const date::time_zone* zone_;
  const std::vector<rollcall::v1::Badge>& registry_;
  std::unordered_map<std::string, const rollcall::v1::Badge*> badges_;
  PersonBadges person_badges_;
  std::unordered_map<std::string, Person> people_;             // key "b:PERSON" or "p:PARTICIPANT"
  std::unordered_map<std::string, std::string> participants_;  // participant id -> person key
  std::set<std::string> event_days_;
  std::set<std::string> seen_days_;
  std::vector<std::string> days_;

  // Inside now, per country and category, with each day's peak.
  std::map<std::string, std::int64_t> inside_country_, inside_category_;
  std::int64_t inside_total_ = 0;
  std::map<std::string, std::map<std::string, std::int64_t>> peak_country_, peak_category_;
  std::map<std::string, std::int64_t> peak_total_;
  std::int64_t online_now_ = 0, peak_online_ = 0;
  std::int64_t last_ms_ = 0;

  GroupTable by_country_, by_category_;
  std::map<std::string, GroupCounts> totals_;
  std::int64_t hybrid_ = 0;
  std::int64_t countries_onsite_ = 0, countries_remote_ = 0, countries_any_ = 0;
};

// Statuses of a scan that let the person in, and the one that lets them out.
bool is_entry_status(std::string_view status);

}  // namespace rollcall::services::exporting
