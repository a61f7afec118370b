#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rollcall/v1/rollcall.pb.h"

namespace rollcall::services::exporting {

// The registry grouped by person: a badge replaced at a desk and its successors (Badge.person_id,
// set by rollcall_replace_badge) are one person, whose attendance goes on under the new badge.
class PersonBadges {
 public:
  struct Person {
    std::string id;                                // the person id: the first badge's id
    const rollcall::v1::Badge* current = nullptr;  // the badge not replaced (the newest)
    std::vector<std::string> earlier;              // the badges it replaced, oldest first
    std::string registered_by;                     // a walk-in: the token that registered it
  };

  // `registry` must outlive this.
  explicit PersonBadges(const std::vector<rollcall::v1::Badge>& registry);

  // The person a badge belongs to: its person_id, else the badge id itself (also for badges not
  // in the registry).
  std::string person_of(std::string_view badge_id) const;
  // Every person, in the order of their current badge's id.
  const std::vector<Person>& people() const { return people_; }
  // The person with this id; null when the registry has none.
  const Person* find(std::string_view person_id) const;

 private:
  std::unordered_map<std::string, std::string> person_of_;  // badge id -> person id (if not self)
  std::vector<Person> people_;
  std::unordered_map<std::string, std::size_t> index_;  // person id -> people_
};

}  // namespace rollcall::services::exporting
