#pragma once

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "tests/support/redis_server.h"

namespace rollcall::tests::support {

// "Write a registry CSV and import it", as an organizer does: `csv` is written to
// `redis`'s data directory (as `file_name`) and imported into it for `event` by the real
// rollcall-import, with `event_file` (an event JSON path) when not empty. Success, or the
// importer's exit code and output: ASSERT_TRUE(import_registry(...)).
::testing::AssertionResult import_registry(const RedisServer& redis, std::string_view event,
                                           const std::string& csv,
                                           const std::string& file_name = "registry.csv",
                                           const std::string& event_file = "");

}  // namespace rollcall::tests::support
