// rollcall-scenario: writes a scenario's registry, event file, timeline and ground truth,
// deterministically from a seed. Exit codes: 0 success, 1 failure (one-line reason), 2 bad usage.
#include <chrono>
#include <iostream>

#include <boost/program_options.hpp>

#include "tools/cli/command_line.h"

#include "tools/scenario/event_clock.h"
#include "tools/scenario/scenario_generator.h"

namespace po = boost::program_options;
namespace scenario = rollcall::tools::scenario;

namespace {

constexpr const char* kName = "rollcall-scenario";

int usage_error(const std::string& why) {
  return rollcall::tools::cli::usage_error(kName, why);
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description described(
      "Usage: rollcall-scenario --scenario FILE.json --out DIR [options]\n\n"
      "Generates an event from a scenario file, the same way for the same seed: DIR/event.json\n"
      "(rollcall.v1.Event), DIR/registry.csv (for rollcall-import), DIR/timeline.jsonl (every\n"
      "scan and presence event in time order, for rollcall-loadgen) and DIR/truth.json (every\n"
      "figure rollcall must show afterwards). See docs/scenario.md.\n\nOptions",
      100, 50);
  std::string scenario_path, out, last_day, country_codes;
  std::uint64_t seed = 1;
  double scale = 1;
  // clang-format off
  described.add_options()
    ("help,h", "show this help and exit")
    ("scenario", po::value(&scenario_path)->value_name("FILE.json"),
     "the scenario, e.g. tools/scenario/wsis20.json (required)")
    ("out", po::value(&out)->value_name("DIR"), "where to write the four files (required)")
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
