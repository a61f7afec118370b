#include "tools/scenario/scenario_generator.h"

#include <boost/json.hpp>

#include "tools/scenario/counting_model.h"
#include "tools/scenario/event_clock.h"
#include "tools/scenario/scenario_writer.h"

namespace rollcall::tools::scenario {
namespace {

std::int64_t figure(const boost::json::object& object, std::string_view name) {
  const auto* value = object.if_contains(name);
  return value && value->is_int64() ? value->get_int64() : -1;
}

void check_truth(const GeneratedScenario& s) {
  const auto& truth = s.truth;
  auto expect = [](std::int64_t got, std::int64_t want, const std::string& what) {
    if (got != want) {
      throw ScenarioError("internal: the model counts " + std::to_string(got) + " " + what +
                          ", the scenario wants " + std::to_string(want));
    }
  };
  expect(figure(truth, "onsite"), s.config.onsite.participants, "on-site participants");
  expect(figure(truth, "countries_onsite"), s.population.countries_onsite, "on-site countries");
  const auto& by_category = truth.at("onsite_by_category").as_object();
  for (const auto& [category, count] : s.config.onsite.exact_categories) {
    expect(figure(by_category, category), count, category);
  }
}

}  // namespace

GeneratedScenario generate(const ScenarioConfig& scenario, const CountryList& countries,
                           const GeneratorOptions& options) {
  GeneratedScenario s;
  s.config = scaled(scenario, options.scale);
  s.event = s.config.event;
  if (!options.last_day.empty()) {
    s.event.clear_days();
    for (auto& day : days_ending(options.last_day, s.config.event.days_size())) {
      s.event.add_days(std::move(day));
    }
  }
  const Random random(options.seed);
  s.population = build_population(s.config, countries, random.fork(100));
  s.actions = build_timeline(s.config, s.population, random.fork(200));
  CountingModel model(s.config, s.population);
  for (const auto& action : s.actions) model.apply(action);
  s.truth = model.truth({s.event.days().begin(), s.event.days().end()});
  s.attendance = model.attendance();
  s.truth["seed"] = options.seed;
  s.truth["scale"] = options.scale;
  s.truth["registry"] = {
      {"badges", std::count_if(s.population.people.begin(), s.population.people.end(),
                               [](const Person& p) { return !p.badge_id.empty(); })},
      {"no_shows", std::count_if(s.population.people.begin(), s.population.people.end(),
                                 [](const Person& p) { return p.role == Role::no_show; })},
      {"revoked", std::count_if(s.population.people.begin(), s.population.people.end(),
                                [](const Person& p) { return p.role == Role::revoked; })}};
  check_truth(s);
  return s;
}

void write_scenario(const GeneratedScenario& s, const GeneratorOptions& options,
                    const std::filesystem::path& directory) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) throw std::runtime_error("cannot create " + directory.string() + ": " + ec.message());
  const EventClock clock(s.event.time_zone(), s.event.days(0));
  write_event(directory / "event.json", s.event);
  write_registry(directory / "registry.csv", s.population);
  write_timeline(directory / "timeline.jsonl",
                 {.scenario = s.config.name, .seed = options.seed, .scale = options.scale}, s.event,
                 clock, s.actions);
  write_truth(directory / "truth.json", s.truth);
}

}  // namespace rollcall::tools::scenario
