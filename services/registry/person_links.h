#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "services/registry/badge_validator.h"

namespace rollcall::services::registry {

class NameFolder;

// A person already linked elsewhere: their country and where the link was made, for messages
// (e.g. "venue geneva").
struct KnownPerson {
  std::string country;
  std::string where;
};

// One person, one country: every pair of rows of `rows` that give one person_id two countries,
// and every row that gives a person a country other than the one `known` holds, is refused with
// the rows named ("person_id P-1 is CH here but DE on line 4"). Rows without a person_id never
// conflict. Returns the refusals in file order, one per offending row.
std::vector<RowError> person_link_conflicts(
    const std::vector<BadgeRow>& rows, const std::unordered_map<std::string, KnownPerson>& known);

// The matching rule for registries without person ids (docs/venues.md): a person is the same
// person in two registries when their names, countries and organizations are equal after
// folding (case, marks, width, Arabic variants: NameFolder::fold). Never approximate: "Jon" and
// "John" stay two people.
//
// person_id = "m-" + the first 20 hex digits of SHA-256(fold(name) 0x1F country 0x1F
// fold(organization)), so registries imported apart meet on the same id without reading each
// other. Empty when the name folds to nothing.
std::string matched_person_id(const NameFolder& folder, std::string_view name,
                              std::string_view country, std::string_view organization);

struct MatchReport {
  std::size_t linked = 0;           // rows that got a person id by the rule
  std::vector<RowError> ambiguous;  // rows left unlinked, with the reason
};

// Gives every row without a person_id its matched id. Two or more rows of one file with the
// same matched id are ambiguous (two people of one name, or one person registered twice): none
// of them is linked, each is reported with the other lines. Rows with a person_id keep it.
MatchReport apply_matching_rule(const NameFolder& folder, std::vector<BadgeRow>& rows);

}  // namespace rollcall::services::registry
