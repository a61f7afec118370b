#include "tools/scenario/companion.h"

#include <algorithm>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>

#include <boost/json.hpp>

#include "services/registry/badge_validator.h"
#include "services/registry/event_config.h"
#include "tools/scenario/scenario_config.h"

namespace rollcall::tools::scenario {
namespace {

namespace json = boost::json;

const json::value& need(const json::object& o, std::string_view name) {
  const auto* value = o.if_contains(name);
  if (!value) throw ScenarioError("overlap: \"" + std::string(name) + "\" is missing");
  return *value;
}

std::string text(const json::value& value, std::string_view what) {
  if (!value.is_string()) throw ScenarioError("overlap: " + std::string(what) + " is not a string");
  return std::string(value.get_string());
}

double share(const json::value& value, std::string_view what) {
  double number = -1;
  if (value.is_double()) number = value.get_double();
  if (value.is_int64()) number = static_cast<double>(value.get_int64());
  if (value.is_uint64()) number = static_cast<double>(value.get_uint64());
  if (!(number >= 0 && number <= 1)) {
    throw ScenarioError("overlap: " + std::string(what) + " must be a number within 0..1");
  }
  return number;
}

void check_category(const std::vector<std::string>& categories, const std::string& id,
                    std::string_view which) {
  if (std::find(categories.begin(), categories.end(), id) == categories.end()) {
    throw ScenarioError("overlap: \"" + id + "\" is not a category of the " + std::string(which) +
                        " event");
  }
}

// Who of the main event can be the same person as a companion person: they come on site or only
// join online (no-shows and cancelled badges are left alone).
bool candidate(const Person& p) {
  return !p.badge_id.empty() && (p.role == Role::onsite || p.role == Role::online_registered);
}

const char* role_word(Role role) {
  switch (role) {
    case Role::onsite:
      return "onsite";
    case Role::online_registered:
      return "online";
    case Role::no_show:
      return "no_show";
    default:
      return "other";
  }
}

}  // namespace

OverlapModel parse_overlap(std::string_view companion_json,
                           const std::vector<std::string>& companion_categories,
                           const std::vector<std::string>& main_categories) {
  boost::system::error_code ec;
  const auto root = json::parse(companion_json, ec);
  if (ec || !root.is_object()) throw ScenarioError("the companion scenario is not a JSON object");
  const auto* section = root.as_object().if_contains("overlap");
  if (!section || !section->is_object()) {
    throw ScenarioError("the companion scenario has no \"overlap\" section (see docs/scenario.md)");
  }
  const auto& o = section->get_object();
  OverlapModel m;
  m.with = text(need(o, "with"), "with");
  const auto& venue = need(o, "venue");
  if (!venue.is_object()) throw ScenarioError("overlap: venue is not an object");
  m.venue_id = text(need(venue.get_object(), "id"), "venue.id");
  m.venue_name = text(need(venue.get_object(), "name"), "venue.name");
  if (!services::registry::is_valid_event_id(m.venue_id)) {
    throw ScenarioError("overlap: venue.id \"" + m.venue_id + "\" is not a valid venue id");
  }
  m.person_prefix = text(need(o, "person_prefix"), "person_prefix");
  if (!services::registry::is_valid_person_id(m.person_prefix + "123456789")) {
    throw ScenarioError("overlap: person_prefix makes no valid person id");
  }
  const auto& shares = need(o, "share_by_category");
  if (!shares.is_object()) throw ScenarioError("overlap: share_by_category is not an object");
  for (const auto& [id, value] : shares.get_object()) {
    const std::string category(id);
    check_category(companion_categories, category, "companion");
    m.share_by_category.emplace_back(category, share(value, "share_by_category." + category));
  }
  const auto& counterpart = need(o, "counterpart");
  if (!counterpart.is_object()) throw ScenarioError("overlap: counterpart is not an object");
  for (const auto& [id, list] : counterpart.get_object()) {
    const std::string category(id);
    check_category(companion_categories, category, "companion");
    if (!list.is_array()) throw ScenarioError("overlap: counterpart." + category + " is a list");
    for (const auto& main : list.get_array()) {
      auto main_category = text(main, "counterpart." + category);
      check_category(main_categories, main_category, "main");
      m.counterpart[category].push_back(std::move(main_category));
    }
  }
  m.other_category = share(need(o, "other_category"), "other_category");
  m.online_at_other = share(need(o, "online_at_other"), "online_at_other");
  return m;
}

OverlapModel load_overlap(const std::string& path,
                          const std::vector<std::string>& companion_categories,
                          const std::vector<std::string>& main_categories) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError("cannot read " + path);
  std::ostringstream content;
  content << in.rdbuf();
  return parse_overlap(content.str(), companion_categories, main_categories);
}

json::object link_persons(const OverlapModel& overlap, Population& main, Population& companion,
                          Random random) {
  // The main event's candidates by (role, country, category) and by (role, country), each list
  // shuffled so that who is taken first is random; a person taken through one list is skipped
  // in the other.
  using Key = std::tuple<Role, std::string, std::string>;
  std::map<Key, std::vector<std::size_t>> by_category;
  std::map<std::pair<Role, std::string>, std::vector<std::size_t>> by_country;
  for (std::size_t i = 0; i < main.people.size(); ++i) {
    const auto& p = main.people[i];
    if (!candidate(p)) continue;
    by_category[{p.role, p.country, p.category}].push_back(i);
    by_country[{p.role, p.country}].push_back(i);
  }
  for (auto& [key, list] : by_category) random.shuffle(list);
  for (auto& [key, list] : by_country) random.shuffle(list);
  std::vector<bool> taken(main.people.size(), false);
  auto take = [&](std::vector<std::size_t>* list) -> std::optional<std::size_t> {
    while (list && !list->empty()) {
      const auto i = list->back();
      list->pop_back();
      if (!taken[i]) {
        taken[i] = true;
        return i;
      }
    }
    return std::nullopt;
  };

  std::set<std::string> ids;
  auto new_id = [&] {
    for (;;) {
      auto id = overlap.person_prefix + std::to_string(random.between(100'000'000, 999'999'999));
      if (ids.insert(id).second) return id;
    }
  };
  std::map<std::string, double> share_of;
  for (const auto& [category, s] : overlap.share_by_category) share_of[category] = s;

  std::int64_t registered = 0, shared = 0, other_category = 0;
  std::map<std::string, std::int64_t> pairs, shared_by_category, registered_by_category;
  for (auto& person : companion.people) {
    if (person.badge_id.empty() || person.role == Role::revoked) continue;
    ++registered;
    ++registered_by_category[person.category];
    const auto found = share_of.find(person.category);
    if (found == share_of.end() || !random.chance(found->second)) continue;
    Role want = Role::onsite;
    if (person.role == Role::onsite && random.chance(overlap.online_at_other)) {
      want = Role::online_registered;
    }
    std::optional<std::size_t> match;
    if (random.chance(overlap.other_category)) {
      const auto list = by_country.find({want, person.country});
      match = take(list == by_country.end() ? nullptr : &list->second);
    } else if (const auto prefer = overlap.counterpart.find(person.category);
               prefer != overlap.counterpart.end()) {
      for (const auto& category : prefer->second) {
        const auto list = by_category.find({want, person.country, category});
        match = take(list == by_category.end() ? nullptr : &list->second);
        if (match) break;
      }
    }
    if (!match) continue;  // nobody of that country and kind at the main event
    auto& other = main.people[*match];
    other.person_id = new_id();
    person.person_id = other.person_id;
    person.name = other.name;
    person.organization = other.organization;
    ++shared;
    ++shared_by_category[person.category];
    if (other.category != person.category) ++other_category;
    ++pairs[std::string(role_word(other.role)) + "_main_" + role_word(person.role) + "_companion"];
  }
  for (auto& person : companion.people) {
    if (!person.badge_id.empty() && person.person_id.empty()) person.person_id = new_id();
  }

  json::object figures;
  figures["shared_persons"] = shared;
  figures["companion_registered"] = registered;
  figures["share_of_companion"] =
      registered == 0 ? 0.0 : static_cast<double>(shared) / static_cast<double>(registered);
  figures["in_another_category"] = other_category;
  json::object pair_figures;
  for (const auto& [pair, count] : pairs) pair_figures[pair] = count;
  figures["by_roles"] = std::move(pair_figures);
  json::object categories;
  for (const auto& [category, count] : shared_by_category) {
    categories[category] = {{"shared", count}, {"registered", registered_by_category[category]}};
  }
  figures["by_companion_category"] = std::move(categories);
  return figures;
}

}  // namespace rollcall::tools::scenario
