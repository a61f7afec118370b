#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/redis_server.h"

namespace rollcall::tests::support {

// How import_registry writes and imports a registry; the defaults are an organizer's plain
// import of one CSV.
struct ImportOptions {
  // The CSV's name in the server's data directory (several events, several files).
  std::string file_name = "registry.csv";
  // The event's JSON (time zone, days, zones), written beside the CSV as `file_name` + ".json"
  // and given as --event-file; none when empty.
  std::string event_json;
  // More of rollcall-import's options, e.g. {"--skip-invalid"}.
  std::vector<std::string> extra_args;
};

// "Write a registry CSV and import it", as an organizer does: `csv` is written to `redis`'s data
// directory and imported into it for `event` by the real rollcall-import. Success, or the
// importer's exit code and output: ASSERT_TRUE(import_registry(...)).
::testing::AssertionResult import_registry(const RedisServer& redis, std::string_view event,
                                           const std::string& csv,
                                           const ImportOptions& options = {});

// The same for a registry already on disk at `csv_path` (rollcall-scenario's output), with the
// event file `event_file` when not empty.
::testing::AssertionResult import_registry_file(const RedisServer& redis, std::string_view event,
                                                const std::string& csv_path,
                                                const std::string& event_file = "",
                                                const std::vector<std::string>& extra_args = {});

}  // namespace rollcall::tests::support
