// rollcall-import: loads an event's badge registry (CSV) into Redis, creating or refining the
// event. Exit codes: 0 success, 1 failure (one-line reason on stderr), 2 bad usage.
#include <iostream>

#include <boost/program_options.hpp>

#include "tools/cli/command_line.h"

#include "services/registry/event_config.h"
#include "tools/import/importer.h"

namespace po = boost::program_options;
using rollcall::tools::import::ImportError;
using rollcall::tools::import::ImportOptions;

namespace {

constexpr const char* kName = "rollcall-import";

int usage_error(const std::string& why) {
  return rollcall::tools::cli::usage_error(kName, why);
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description described(
      "Usage: rollcall-import --event EVENT --registry FILE.csv [options]\n\n"
      "Validates a badge registry (CSV with the header\n"
      "badge_id,country,category,name,organization[,revoked][,person_id]) and loads it into\n"
      "Redis. Nothing is imported when a row is invalid, unless --skip-invalid is given.\n"
      "person_id links one person's badges, within the event and across the events of a venue\n"
      "(docs/venues.md); one person id with two countries is refused with the rows named.\n"
      "A new event is created with the defaults (UTC, every day, any zone, the standard\n"
      "categories) or from --event-file; re-importing updates badges and never touches\n"
      "counters or attendance.\n\nOptions",
      100, 50);
  std::string event_id, registry, event_file, redis_url, country_codes;
  // clang-format off
  described.add_options()
    ("help,h", "show this help and exit")
    ("event", po::value(&event_id)->value_name("EVENT"), "event id, e.g. wsis20-2025 (required)")
    ("registry", po::value(&registry)->value_name("FILE.csv"), "the registry CSV (required)")
    ("event-file", po::value(&event_file)->value_name("EVENT.json"),
     "event configuration (rollcall.v1.Event as JSON) to create or refine the event with")
    ("skip-invalid", po::bool_switch(), "import the valid rows and skip (and list) the bad ones")
    ("match-persons", po::bool_switch(),
     "rows without a person_id get one by the matching rule: equal name, country and\n"
     "organization after folding case and marks (docs/venues.md); duplicates stay unlinked")
    ("redis", po::value(&redis_url)->value_name("URL")->default_value("redis://127.0.0.1:6379"),
     rollcall::tools::cli::kRedisUrlHelp)
    ("country-codes", po::value(&country_codes)->value_name("FILE")
         ->default_value(std::string(rollcall::services::registry::CountryCodes::kDefaultPath)),
     "ISO 3166-1 list in iso-codes JSON format");
  // clang-format on

  po::variables_map vm;
  if (auto stop =
          rollcall::tools::cli::parse_command_line(kName, argc, argv, described, described, &vm)) {
    return *stop;
  }
  if (!vm.count("event")) return usage_error("--event is required");
  if (!vm.count("registry")) return usage_error("--registry is required");
  if (!rollcall::services::registry::is_valid_event_id(event_id)) {
    return usage_error("--event \"" + event_id +
                       "\" must be 1 to 64 characters of a-z, 0-9, '_', '.', '-', starting with "
                       "a letter or digit");
  }

  ImportOptions options;
  options.event_id = event_id;
  options.registry_path = registry;
  if (vm.count("event-file")) options.event_file = event_file;
  options.skip_invalid = vm["skip-invalid"].as<bool>();
  options.match_persons = vm["match-persons"].as<bool>();
  options.country_codes_path = country_codes;
  std::string url_error;
  const auto url = rollcall::redis::Url::parse(redis_url, &url_error);
  if (!url) return usage_error("--redis: " + url_error);
  options.redis = *url;

  try {
    const auto result = rollcall::tools::import::run_import(options, std::cerr);
    std::cout << "imported " << result.imported << " badges into " << event_id << " ("
              << result.skipped << " skipped"
              << (result.kept ? ", " + std::to_string(result.kept) + " kept as a desk changed them"
                              : std::string())
              << ")\n";
    if (result.linked || result.matched || result.person_kept) {
      std::cout << "persons: " << result.linked << " badges linked to a person id"
                << (options.match_persons
                        ? " (" + std::to_string(result.matched) + " by the matching rule)"
                        : std::string())
                << (result.person_kept ? ", " + std::to_string(result.person_kept) +
                                             " kept their person (already seen)"
                                       : std::string())
                << "\n";
    }
    for (const auto& venue : result.venues) {
      std::cout << "venue " << venue << ": person links updated\n";
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << kName << ": " << e.what() << '\n';
    return 1;
  }
}
