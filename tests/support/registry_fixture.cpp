#include "tests/support/registry_fixture.h"

#include <fstream>
#include <vector>

#include "tests/support/gateway_process.h"

namespace rollcall::tests::support {

::testing::AssertionResult import_registry(const RedisServer& redis, std::string_view event,
                                           const std::string& csv, const std::string& file_name,
                                           const std::string& event_file) {
  const std::string path = redis.data_dir() + "/" + file_name;
  std::ofstream(path) << csv;
  std::vector<std::string> argv = {ROLLCALL_IMPORT_BIN, "--event", std::string(event), "--registry",
                                   path};
  if (!event_file.empty()) {
    argv.push_back("--event-file");
    argv.push_back(event_file);
  }
  argv.push_back("--redis");
  argv.push_back(redis.url());
  std::string output;
  const int code = run_program(argv, &output);
  if (code == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "rollcall-import exited " << code << ": " << output;
}

}  // namespace rollcall::tests::support
