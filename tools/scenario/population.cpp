#include "tools/scenario/population.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "tools/scenario/person_names.h"

namespace rollcall::tools::scenario {
namespace {

// Streams of the seed, one per part of the model.
enum Stream : std::uint64_t { kCountries = 1, kCategories, kBadges, kNames, kOthers, kOnline };

struct Slot {
  std::string country;
  std::string category;
};

// The on-site countries and how many people each sends: exactly `target` countries, a few
// large delegations by weight and a long tail of 1 to 3 people.
std::vector<std::pair<std::string, std::int64_t>> delegations(const OnsiteModel& model,
                                                              const CountryList& countries,
                                                              std::int64_t people, Random random) {
  const auto target = static_cast<std::size_t>(
      std::min<std::int64_t>(model.countries, std::max<std::int64_t>(1, people / 3)));
  std::vector<std::pair<std::string, double>> weighted;
  std::set<std::string> taken;
  for (const auto& [code, weight] : model.country_weights) {
    if (!countries.find(code)) {
      throw ScenarioError("onsite.country_weights: \"" + code + "\" is not an ISO 3166-1 code");
    }
    if (model.no_delegation.count(code) || !taken.insert(code).second) continue;
    weighted.emplace_back(code, weight);
  }
  if (weighted.size() > target) {
    std::stable_sort(weighted.begin(), weighted.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    weighted.resize(target);
  }
  std::vector<std::string> tail;
  for (const auto& country : countries.all()) {
    if (!taken.count(country.code) && !model.no_delegation.count(country.code)) {
      tail.push_back(country.code);
    }
  }
  random.shuffle(tail);
  const auto tail_size = target - weighted.size();
  if (tail.size() < tail_size) {
    throw ScenarioError("not enough ISO 3166-1 countries for " + std::to_string(target));
  }
  tail.resize(tail_size);

  std::vector<std::int64_t> tail_counts;
  std::int64_t tail_people = 0;
  for (std::size_t i = 0; i < tail.size(); ++i) {
    tail_counts.push_back(random.between(model.tail_min, model.tail_max));
    tail_people += tail_counts.back();
  }
  if (tail_people + static_cast<std::int64_t>(weighted.size()) > people) {
    std::fill(tail_counts.begin(), tail_counts.end(), 1);
    tail_people = static_cast<std::int64_t>(tail_counts.size());
  }
  std::vector<double> weights;
  for (const auto& [code, weight] : weighted) weights.push_back(weight);
  const auto extra =
      apportion(people - tail_people - static_cast<std::int64_t>(weighted.size()), weights);

  std::vector<std::pair<std::string, std::int64_t>> result;
  for (std::size_t i = 0; i < weighted.size(); ++i) {
    result.emplace_back(weighted[i].first, 1 + extra[i]);
  }
  for (std::size_t i = 0; i < tail.size(); ++i) result.emplace_back(tail[i], tail_counts[i]);
  return result;
}

std::vector<std::string> share_labels(const OnsiteModel& model, std::int64_t count,
                                      Random& random) {
  std::vector<double> weights;
  for (const auto& [id, share] : model.category_shares) weights.push_back(share);
  const auto parts = apportion(count, weights);
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    labels.insert(labels.end(), static_cast<std::size_t>(parts[i]), model.category_shares[i].first);
  }
  random.shuffle(labels);
  return labels;
}

std::string share_category(const OnsiteModel& model, Random& random) {
  std::vector<double> weights;
  for (const auto& [id, share] : model.category_shares) weights.push_back(share);
  return model.category_shares[random.weighted(weights)].first;
}

// On-site people, countries and categories; every headline count is exact.
std::vector<Slot> onsite_slots(const OnsiteModel& model, const CountryList& countries,
                               const Random& random, int* countries_onsite) {
  std::int64_t international = 0;
  for (const auto& [category, count] : model.exact_categories) {
    if (model.international_categories.count(category)) international += count;
  }
  const auto with_country = model.participants - international;
  if (with_country < 1) throw ScenarioError("no on-site participant has a country");
  const auto sent = delegations(model, countries, with_country, random.fork(kCountries));
  *countries_onsite = static_cast<int>(sent.size());

  auto categories = random.fork(kCategories);
  std::vector<Slot> slots;
  std::map<std::string, std::vector<std::size_t>> free_by_country;
  for (const auto& [code, count] : sent) {
    for (std::int64_t i = 0; i < count; ++i) slots.push_back({code, {}});
  }
  categories.shuffle(slots);
  for (std::size_t i = 0; i < slots.size(); ++i) free_by_country[slots[i].country].push_back(i);

  // Ministers and regulators come one per delegation before any delegation sends a second.
  for (const auto& [category, count] : model.exact_categories) {
    if (model.international_categories.count(category)) continue;
    std::vector<std::string> order;
    for (const auto& [code, people] : sent) order.push_back(code);
    categories.shuffle(order);
    std::int64_t placed = 0;
    for (std::size_t i = 0; placed < count; ++i) {
      if (i >= order.size() * static_cast<std::size_t>(count + 1)) {
        throw ScenarioError("not enough people to place " + std::to_string(count) + " " + category);
      }
      auto& free = free_by_country[order[i % order.size()]];
      if (free.empty()) continue;
      slots[free.back()].category = category;
      free.pop_back();
      ++placed;
    }
  }
  std::int64_t open = 0;
  for (const auto& slot : slots) open += slot.category.empty() ? 1 : 0;
  const auto labels = share_labels(model, open, categories);
  std::size_t next = 0;
  for (auto& slot : slots) {
    if (slot.category.empty()) slot.category = labels[next++];
  }
  for (const auto& [category, count] : model.exact_categories) {
    if (!model.international_categories.count(category)) continue;
    for (std::int64_t i = 0; i < count; ++i) slots.push_back({"", category});
  }
  categories.shuffle(slots);
  return slots;
}

std::string hex_id(Random& random, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  auto bits = random.bits();
  for (int i = 0; i < digits; ++i, bits >>= 4) id.push_back(kHex[bits & 15]);
  return id;
}

}  // namespace

Population build_population(const ScenarioConfig& config, const CountryList& countries,
                            const Random& random) {
  const auto& model = config.onsite;
  Population population;
  auto others = random.fork(kOthers);
  auto names = random.fork(kNames);
  auto online = random.fork(kOnline);

  for (auto& slot : onsite_slots(model, countries, random, &population.countries_onsite)) {
    population.people.push_back({.role = Role::onsite,
                                 .country = std::move(slot.country),
                                 .category = std::move(slot.category)});
  }
  const auto onsite = population.people.size();
  std::vector<std::string> world;
  for (const auto& country : countries.all()) {
    if (!model.no_delegation.count(country.code)) world.push_back(country.code);
  }
  // Someone like the on-site crowd (a random delegation, so large ones weigh more), or from
  // anywhere in the world.
  auto country_like_crowd = [&](Random& r, double world_share) -> std::string {
    if (r.chance(world_share)) {
      return world[static_cast<std::size_t>(
          r.between(0, static_cast<std::int64_t>(world.size()) - 1))];
    }
    for (;;) {
      const auto& person = population.people[static_cast<std::size_t>(
          r.between(0, static_cast<std::int64_t>(onsite) - 1))];
      if (!person.country.empty()) return person.country;
    }
  };
  auto add_registered = [&](Role role, std::int64_t count, double world_share) {
    for (std::int64_t i = 0; i < count; ++i) {
      population.people.push_back({.role = role,
                                   .country = country_like_crowd(others, world_share),
                                   .category = share_category(model, others)});
    }
  };
  add_registered(Role::no_show, model.no_shows, 0);
  add_registered(Role::revoked, model.revoked, 0);
  add_registered(Role::online_registered, config.remote.registered_online_only,
                 config.remote.world_share);

  // Badge ids are random numbers, as printed badges are: nothing follows from their order.
  auto badges = random.fork(kBadges);
  std::set<std::int64_t> used;
  for (auto& person : population.people) {
    std::int64_t number;
    do {
      number = badges.between(1'000'000, 9'999'999);
    } while (!used.insert(number).second);
    person.badge_id = config.badge_prefix + std::to_string(number);
  }

  auto assign_online = [&](Person& person) {
    const auto& [bridge, platform] = config.remote.bridges[static_cast<std::size_t>(
        online.between(0, static_cast<std::int64_t>(config.remote.bridges.size()) - 1))];
    person.bridge = bridge;
    person.participant_id = platform + ":" + hex_id(online, 16);
  };
  std::vector<std::size_t> onsite_order(onsite);
  for (std::size_t i = 0; i < onsite; ++i) onsite_order[i] = i;
  online.shuffle(onsite_order);
  for (std::int64_t i = 0; i < config.remote.hybrid; ++i) {
    auto& person = population.people[onsite_order[static_cast<std::size_t>(i)]];
    person.hybrid = true;
    assign_online(person);
  }
  for (auto& person : population.people) {
    if (person.role == Role::online_registered) assign_online(person);
  }
  for (std::int64_t i = 0; i < config.remote.unregistered; ++i) {
    Person person{.role = Role::online_unregistered};
    person.country = online.chance(config.remote.no_country_share)
                         ? std::string()
                         : country_like_crowd(online, config.remote.world_share);
    person.category = share_category(model, online);
    assign_online(person);
    population.people.push_back(std::move(person));
  }

  for (auto& person : population.people) {
    const auto* country = countries.find(person.country);
    person.name = person_name(person.country, names);
    person.organization =
        organization_name(person.category, country ? country->name : std::string(), names);
  }
  return population;
}

}  // namespace rollcall::tools::scenario
