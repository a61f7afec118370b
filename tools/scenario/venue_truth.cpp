#include "tools/scenario/venue_truth.h"

#include <algorithm>
#include <set>
#include <tuple>

#include <boost/json.hpp>

#include "tools/scenario/scenario_config.h"

namespace rollcall::tools::scenario {
namespace {

namespace json = boost::json;
using Tally = std::map<std::string, std::int64_t>;

json::object to_json(const Tally& tally) {
  json::object object;
  for (const auto& [key, count] : tally) {
    if (count != 0) object[key] = count;
  }
  return object;
}

std::int64_t countries_in(const Tally& tally) {
  return std::count_if(tally.begin(), tally.end(),
                       [](const auto& entry) { return !entry.first.empty() && entry.second > 0; });
}

struct Day {
  std::int64_t onsite = 0;
  Tally by_country;
  Tally by_category;
};

}  // namespace

VenueMember venue_member(const rollcall::v1::Event& event, const Population& population,
                         const CountingModel::Attendance& attendance) {
  VenueMember member{.event_id = event.event_id(),
                     .dates = {event.days().begin(), event.days().end()},
                     .attendance = attendance};
  for (const auto& p : population.people) {
    if (!p.badge_id.empty()) member.badges[p.badge_id] = {p.country, p.category, p.person_id};
  }
  return member;
}

json::object venue_truth(const std::string& venue_id, const std::vector<VenueMember>& members) {
  // The linked persons, as rollcall-admin venue create records them: every explicit person id.
  std::map<std::string, std::string> persons;  // person id -> country
  std::map<std::string, std::set<std::string>> events_of;
  for (const auto& m : members) {
    for (const auto& [badge, b] : m.badges) {
      if (b.person_id.empty()) continue;
      events_of[b.person_id].insert(m.event_id);
      const auto [it, added] = persons.emplace(b.person_id, b.country);
      if (!added && it->second != b.country) {
        throw ScenarioError("person " + b.person_id + " has two countries (" + it->second +
                            " and " + b.country + ")");
      }
    }
  }
  // The venue person rule: an event person P (the badge's person id, else the badge id) is the
  // venue person P when linked, else "E/P"; a join without a badge is "E/~participant_id".
  auto person_of_badge = [&](const VenueMember& m, const std::string& badge) {
    const auto found = m.badges.find(badge);
    const auto& event_person = found != m.badges.end() && !found->second.person_id.empty()
                                   ? found->second.person_id
                                   : badge;
    return persons.count(event_person) ? event_person : m.event_id + "/" + event_person;
  };
  auto country_of = [&](const std::string& person, const std::string& fallback) {
    const auto found = persons.find(person);
    return found == persons.end() ? fallback : found->second;
  };

  std::set<std::string> onsite, remote, inside, online;
  std::set<std::pair<std::string, std::string>> onsite_categories, remote_categories, person_days;
  std::set<std::tuple<std::string, std::string, std::string>> day_categories;
  Tally onsite_by_country, onsite_by_category, remote_by_country, remote_by_category;
  std::map<std::string, Day> days;
  json::array event_ids;
  for (const auto& m : members) {
    event_ids.emplace_back(m.event_id);
    for (const auto& [badge, event_days] : m.attendance.onsite_days) {
      const auto found = m.badges.find(badge);
      if (found == m.badges.end()) {
        throw ScenarioError("internal: " + badge + " on site at " + m.event_id +
                            " is not in its registry");
      }
      const auto& b = found->second;
      const auto person = person_of_badge(m, badge);
      const auto country = country_of(person, b.country);
      if (onsite.insert(person).second) ++onsite_by_country[country];
      // Once in each category the person held on site.
      if (onsite_categories.emplace(person, b.category).second) ++onsite_by_category[b.category];
      for (const int day : event_days) {
        const auto& date = m.dates.at(static_cast<std::size_t>(day - 1));
        auto& d = days[date];
        if (person_days.emplace(person, date).second) {
          ++d.onsite;
          ++d.by_country[country];
        }
        if (day_categories.emplace(person, date, b.category).second) ++d.by_category[b.category];
      }
    }
    for (const auto& badge : m.attendance.inside) inside.insert(person_of_badge(m, badge));
    for (const auto& [participant, r] : m.attendance.remote) {
      const auto person =
          r.badge_id.empty() ? m.event_id + "/~" + participant : person_of_badge(m, r.badge_id);
      if (remote.insert(person).second) ++remote_by_country[country_of(person, r.country)];
      if (remote_categories.emplace(person, r.category).second) ++remote_by_category[r.category];
      if (r.online) online.insert(person);
    }
  }
  const auto hybrid = static_cast<std::int64_t>(
      std::count_if(onsite.begin(), onsite.end(), [&](const auto& p) { return remote.count(p); }));

  json::object t;
  t["venue_id"] = venue_id;
  t["events"] = std::move(event_ids);
  t["onsite"] = static_cast<std::int64_t>(onsite.size());
  t["remote"] = static_cast<std::int64_t>(remote.size());
  t["hybrid"] = hybrid;
  t["participants"] =
      static_cast<std::int64_t>(onsite.size()) + static_cast<std::int64_t>(remote.size()) - hybrid;
  t["countries_onsite"] = countries_in(onsite_by_country);
  t["countries_remote"] = countries_in(remote_by_country);
  Tally any = onsite_by_country;
  for (const auto& [code, count] : remote_by_country) any[code] += count;
  t["countries_any"] = countries_in(any);
  t["onsite_by_country"] = to_json(onsite_by_country);
  t["onsite_by_category"] = to_json(onsite_by_category);
  t["remote_by_country"] = to_json(remote_by_country);
  t["remote_by_category"] = to_json(remote_by_category);
  t["inside_now"] = static_cast<std::int64_t>(inside.size());
  t["online_at_end"] = static_cast<std::int64_t>(online.size());
  json::object by_date;
  for (const auto& [date, d] : days) {
    by_date[date] = {{"onsite", d.onsite},
                     {"onsite_by_country", to_json(d.by_country)},
                     {"onsite_by_category", to_json(d.by_category)}};
  }
  t["days"] = std::move(by_date);
  t["persons"] = {
      {"linked", static_cast<std::int64_t>(persons.size())},
      {"in_several_events", std::count_if(events_of.begin(), events_of.end(),
                                          [](const auto& e) { return e.second.size() > 1; })}};
  return t;
}

}  // namespace rollcall::tools::scenario
