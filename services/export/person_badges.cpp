#include "services/export/person_badges.h"

#include <algorithm>
#include <map>

namespace rollcall::services::exporting {

PersonBadges::PersonBadges(const std::vector<rollcall::v1::Badge>& registry) {
  std::map<std::string, std::vector<const rollcall::v1::Badge*>> by_person;
  std::unordered_map<std::string, const rollcall::v1::Badge*> by_id;
  for (const auto& badge : registry) {
    by_id.emplace(badge.badge_id(), &badge);
    const bool own = badge.person_id().empty() || badge.person_id() == badge.badge_id();
    if (!own) person_of_.emplace(badge.badge_id(), badge.person_id());
    by_person[own ? badge.badge_id() : badge.person_id()].push_back(&badge);
  }
  for (const auto& [id, badges] : by_person) {
    Person person;
    person.id = id;
    // Follow replaced_by from the first badge; each step is a badge of the same person, and the
    // walk ends after at most as many steps as the person has badges.
    const auto first = by_id.find(id);
    const rollcall::v1::Badge* at = first != by_id.end() ? first->second : badges.front();
    for (std::size_t step = 0; step < badges.size(); ++step) {
      const auto next = by_id.find(at->replaced_by());
      if (at->replaced_by().empty() || next == by_id.end() || person_of(next->first) != id) {
        break;
      }
      person.earlier.push_back(at->badge_id());
      at = next->second;
    }
    person.current = at;
    for (const auto* badge : badges) {
      if (!badge->registered_by().empty()) person.registered_by = badge->registered_by();
    }
    people_.push_back(std::move(person));
  }
  std::sort(people_.begin(), people_.end(), [](const Person& a, const Person& b) {
    return a.current->badge_id() < b.current->badge_id();
  });
  for (std::size_t i = 0; i < people_.size(); ++i) index_.emplace(people_[i].id, i);
}

std::string PersonBadges::person_of(std::string_view badge_id) const {
  const auto it = person_of_.find(std::string(badge_id));
  return it == person_of_.end() ? std::string(badge_id) : it->second;
}

const PersonBadges::Person* PersonBadges::find(std::string_view person_id) const {
  const auto it = index_.find(std::string(person_id));
  return it == index_.end() ? nullptr : &people_[it->second];
}

}  // namespace rollcall::services::exporting
