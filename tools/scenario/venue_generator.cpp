#include "tools/scenario/venue_generator.h"

#include <cstdio>
#include <fstream>

#include <date/date.h>
#include <boost/json.hpp>

#include "tools/scenario/random.h"
#include "tools/scenario/scenario_writer.h"
#include "tools/scenario/venue_truth.h"

namespace rollcall::tools::scenario {
namespace {

namespace json = boost::json;

// Streams of the main seed used for the venue (the main event's own use 100 and 200).
enum Stream : std::uint64_t { kCompanionSeed = 300, kLinks = 301 };

date::sys_days parse_date(const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (std::sscanf(text.c_str(), "%d-%u-%u", &y, &m, &d) != 3) {
    throw ScenarioError("\"" + text + "\" is not a date YYYY-MM-DD");
  }
  const date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok()) throw ScenarioError("\"" + text + "\" is not a date YYYY-MM-DD");
  return date::sys_days{ymd};
}

std::string format_date(date::sys_days day) {
  return date::format("%F", day);
}

std::int64_t figure(const json::object& o, std::string_view name) {
  const auto* value = o.if_contains(name);
  return value && value->is_int64() ? value->get_int64() : 0;
}

}  // namespace

GeneratorOptions companion_options(const ScenarioConfig& main, const ScenarioConfig& companion,
                                   const GeneratorOptions& options) {
  GeneratorOptions out{.seed = Random(options.seed).fork(kCompanionSeed).bits(),
                       .scale = options.scale};
  if (!options.last_day.empty()) {
    const auto& main_days = main.event.days();
    const auto& companion_days = companion.event.days();
    const auto shift = parse_date(options.last_day) - parse_date(*main_days.rbegin());
    out.last_day = format_date(parse_date(*companion_days.rbegin()) + shift);
  }
  return out;
}

GeneratedVenue generate_venue(const ScenarioConfig& main, const ScenarioConfig& companion,
                              const OverlapModel& overlap, const CountryList& countries,
                              const GeneratorOptions& options) {
  if (overlap.with != main.name) {
    throw ScenarioError("the companion " + companion.name + " overlaps " + overlap.with + ", not " +
                        main.name);
  }
  if (main.event.event_id() == companion.event.event_id()) {
    throw ScenarioError("the companion has the main event's id " + main.event.event_id());
  }
  GeneratedVenue v{.venue_id = overlap.venue_id,
                   .venue_name = overlap.venue_name,
                   .main_options = options,
                   .companion_options = companion_options(main, companion, options)};
  v.main = generate(main, countries, v.main_options);
  v.companion = generate(companion, countries, v.companion_options);
  auto figures = link_persons(overlap, v.main.population, v.companion.population,
                              Random(options.seed).fork(kLinks));
  const std::vector<VenueMember> members = {
      venue_member(v.main.event, v.main.population, v.main.attendance),
      venue_member(v.companion.event, v.companion.population, v.companion.attendance)};
  v.truth = venue_truth(v.venue_id, members);
  v.truth["name"] = v.venue_name;
  v.truth["seed"] = options.seed;
  v.truth["scale"] = options.scale;
  v.truth["overlap"] = std::move(figures);
  // The events' own figures added up, for comparison: what a venue without person links shows.
  json::object sum;
  for (const char* name : {"onsite", "remote", "hybrid", "participants"}) {
    sum[name] = figure(v.main.truth, name) + figure(v.companion.truth, name);
  }
  v.truth["sum_of_events"] = std::move(sum);
  return v;
}

void write_venue(const GeneratedVenue& v, const std::filesystem::path& directory) {
  write_scenario(v.main, v.main_options, directory / v.main.event.event_id());
  write_scenario(v.companion, v.companion_options, directory / v.companion.event.event_id());
  const json::object config{{"id", v.venue_id},
                            {"name", v.venue_name},
                            {"events", json::array{json::string(v.main.event.event_id()),
                                                   json::string(v.companion.event.event_id())}}};
  write_truth(directory / "venue.json", config);
  write_truth(directory / "venue_truth.json", v.truth);
}

}  // namespace rollcall::tools::scenario
