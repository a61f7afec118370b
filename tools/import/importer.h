#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "redis/url.h"
#include "services/registry/country_codes.h"

namespace rollcall::tools::import {

struct ImportOptions {
  std::string event_id;
  std::string registry_path;
  std::optional<std::string> event_file;
  bool skip_invalid = false;
  // Rows without a person_id get one by the matching rule (services/registry/person_links.h).
  bool match_persons = false;
  redis::Url redis;
  std::string country_codes_path = std::string(services::registry::CountryCodes::kDefaultPath);
};

struct ImportResult {
  std::size_t imported = 0;
  std::size_t skipped = 0;
  std::size_t kept = 0;  // rows of badges a desk replaced or registered: left as the desk made them
  std::size_t linked = 0;           // badges written with a person id
  std::size_t matched = 0;          // of the rows, those given a person id by the matching rule
  std::size_t person_kept = 0;      // badges whose person could not change (already seen)
  std::vector<std::string> venues;  // the venues the event is in (their persons were updated)
};

// Why an import did not happen, in one line (the bad rows have been listed before).
class ImportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Validates the whole registry against the event (the event file, else the stored config, else
// the defaults) and then writes the event and every badge in pipelined batches. Bad rows go to
// `diagnostics` as "line N: reason"; with any of them and no skip_invalid nothing is written.
// Counters and attendance state are never touched, and badges missing from the file stay (walk-ins
// among them); badges a desk replaced or registered are kept as the desk made them (listed in
// `diagnostics`, counted in `kept`).
ImportResult run_import(const ImportOptions& options, std::ostream& diagnostics);

}  // namespace rollcall::tools::import
