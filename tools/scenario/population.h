#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tools/scenario/country_list.h"
#include "tools/scenario/random.h"
#include "tools/scenario/scenario_config.h"

namespace rollcall::tools::scenario {

// What a person does at the event; the timeline follows from it.
enum class Role {
  onsite,               // registered, comes on site (hybrid ones also join online)
  no_show,              // registered, never comes, never joins
  online_registered,    // registered, only ever joins online (with their badge id)
  online_unregistered,  // known to a meeting platform only
  revoked,              // a badge cancelled before the event; someone still shows it at a desk
};

struct Person {
  Role role = Role::onsite;
  bool hybrid = false;         // on site and online
  std::string badge_id;        // empty: not in the registry
  std::string person_id;       // empty: none, the badge is its own person (registry person_id)
  std::string participant_id;  // empty: never online
  std::string bridge;          // the platform bridge that carries their joins
  std::string country;         // alpha-2, or empty (international organizations)
  std::string category;
  std::string name;
  std::string organization;
};

struct Population {
  std::vector<Person> people;
  int countries_onsite = 0;  // how many countries the on-site people come from
};

// Draws everyone: on-site countries with exactly the configured number of countries and heads,
// the exact headline categories, then no-shows, cancelled badges and the online audience.
// Throws ScenarioError when the figures cannot be met (e.g. more countries than people).
Population build_population(const ScenarioConfig& config, const CountryList& countries,
                            const Random& random);

}  // namespace rollcall::tools::scenario
