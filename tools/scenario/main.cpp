// rollcall-scenario: writes a scenario's registry, event file, timeline and ground truth,
// deterministically from a seed. Exit codes: 0 success, 1 failure (one-line reason), 2 bad usage.
#include <chrono>
#include <iostream>

#include <boost/program_options.hpp>

#include "tools/cli/command_line.h"

#include "tools/scenario/event_clock.h"
#include "tools/scenario/scenario_generator.h"
#include "tools/scenario/venue_generator.h"

namespace po = boost::program_options;
namespace scenario = rollcall::tools::scenario;

namespace {

constexpr const char* kName = "rollcall-scenario";

int usage_error(const std::string& why) {
  return rollcall::tools::cli::usage_error(kName, why);
}

std::vector<std::string> category_ids(const rollcall::v1::Event& event) {
  std::vector<std::string> ids;
  for (const auto& c : event.categories()) ids.push_back(c.id());
  return ids;
}

int generate_venue(const scenario::ScenarioConfig& config, const std::string& companion_path,
                   const scenario::CountryList& countries,
                   const scenario::GeneratorOptions& options, const std::string& out) {
  const auto companion = scenario::load_scenario(companion_path);
  const auto overlap = scenario::load_overlap(companion_path, category_ids(companion.event),
                                              category_ids(config.event));
  const auto venue = scenario::generate_venue(config, companion, overlap, countries, options);
  scenario::write_venue(venue, out);
  for (const auto* s : {&venue.main, &venue.companion}) {
    const auto& t = s->truth;
    std::cout << kName << ": " << s->config.name << ": " << t.at("onsite").as_int64()
              << " on site from " << t.at("countries_onsite").as_int64() << " countries, "
              << t.at("remote").as_int64() << " remote, " << t.at("participants").as_int64()
              << " participants; " << t.at("timeline").at("scans").as_int64() << " scans and "
              << t.at("timeline").at("presence_events").as_int64() << " presence events\n";
  }
  const auto& t = venue.truth;
  const auto& sum = t.at("sum_of_events").as_object();
  std::cout << kName << ": venue " << venue.venue_id << " seed " << options.seed << " scale "
            << options.scale << ": " << t.at("overlap").at("shared_persons").as_int64()
            << " persons in both registries; " << t.at("onsite").as_int64()
            << " on site (events: " << sum.at("onsite").as_int64() << "), "
            << t.at("remote").as_int64() << " remote (events: " << sum.at("remote").as_int64()
            << "), " << t.at("hybrid").as_int64() << " hybrid, " << t.at("participants").as_int64()
            << " participants (events: " << sum.at("participants").as_int64() << ") in " << out
            << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description described(
      "Usage: rollcall-scenario --scenario FILE.json --out DIR [options]\n\n"
      "Generates an event from a scenario file, the same way for the same seed: DIR/event.json\n"
      "(rollcall.v1.Event), DIR/registry.csv (for rollcall-import), DIR/timeline.jsonl (every\n"
      "scan and presence event in time order, for rollcall-loadgen) and DIR/truth.json (every\n"
      "figure rollcall must show afterwards). With --companion, two co-located events of one\n"
      "venue with shared people: DIR/<event id>/ for each (registries with person_id),\n"
      "DIR/venue.json and DIR/venue_truth.json. See docs/scenario.md.\n\nOptions",
      100, 50);
  std::string scenario_path, companion_path, out, last_day, country_codes;
  std::uint64_t seed = 1;
  double scale = 1;
  // clang-format off
  described.add_options()
    ("help,h", "show this help and exit")
    ("scenario", po::value(&scenario_path)->value_name("FILE.json"),
     "the scenario, e.g. tools/scenario/wsis20.json (required)")
    ("companion", po::value(&companion_path)->value_name("FILE.json"),
     "a co-located event of the same venue with an overlap section, e.g. "
     "tools/scenario/aifg25.json: writes both events, their person links and the venue's truth")
    ("out", po::value(&out)->value_name("DIR"), "where to write the files (required)")
    ("seed", po::value(&seed)->value_name("N")->default_value(1), "random seed")
    ("scale", po::value(&scale)->value_name("F")->default_value(1),
     "multiply every head count by F, e.g. 0.05 for a quick test")
    ("last-day", po::value(&last_day)->value_name("DATE"),
     "date the event's last day as YYYY-MM-DD, today or yesterday (event time zone) instead of "
     "the scenario's own dates, so that a replay now is within the gateway's 7-day window")
    ("country-codes", po::value(&country_codes)->value_name("FILE")
         ->default_value(std::string(scenario::CountryList::kDefaultPath)),
     "ISO 3166-1 list in iso-codes JSON format");
  // clang-format on
  po::variables_map vm;
  if (auto stop =
          rollcall::tools::cli::parse_command_line(kName, argc, argv, described, described, &vm)) {
    return *stop;
  }
  if (!vm.count("scenario")) return usage_error("--scenario is required");
  if (!vm.count("out")) return usage_error("--out is required");
  if (!(scale > 0) || scale > 100) return usage_error("--scale must be above 0 and at most 100");

  try {
    const auto config = scenario::load_scenario(scenario_path);
    scenario::GeneratorOptions options{.seed = seed, .scale = scale};
    if (vm.count("last-day")) {
      const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      try {
        options.last_day = scenario::resolve_day(last_day, config.event.time_zone(), now);
      } catch (const std::exception& e) {
        return usage_error(std::string("--last-day: ") + e.what());
      }
    }
    const auto countries = scenario::CountryList::load(country_codes);
    if (!companion_path.empty())
      return generate_venue(config, companion_path, countries, options, out);
    const auto generated = scenario::generate(config, countries, options);
    scenario::write_scenario(generated, options, out);
    const auto& t = generated.truth;
    std::cout << kName << ": " << config.name << " seed " << seed << " scale " << scale << ": "
              << t.at("onsite").as_int64() << " on site from "
              << t.at("countries_onsite").as_int64() << " countries, " << t.at("remote").as_int64()
              << " remote, " << t.at("participants").as_int64() << " participants; "
              << t.at("timeline").at("scans").as_int64() << " scans and "
              << t.at("timeline").at("presence_events").as_int64() << " presence events in " << out
              << "\n";
  } catch (const std::exception& e) {
    std::cerr << kName << ": " << e.what() << "\n";
    return 1;
  }
  return 0;
}
