#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>

#include "gateway/redis/url.h"
#include "services/registry/country_codes.h"

namespace rollcall::tools::import {

struct ImportOptions {
  std::string event_id;
  std::string registry_path;
  std::optional<std::string> event_file;
  bool skip_invalid = false;
  gateway::redis::Url redis;
  std::string country_codes_path = std::string(services::registry::CountryCodes::kDefaultPath);
};

struct ImportResult {
  std::size_t imported = 0;
  std::size_t skipped = 0;
  std::size_t kept = 0;  // rows of badges a desk replaced or registered: left as the desk made them
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
