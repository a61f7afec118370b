#include "tests/support/registry_fixture.h"

#include <fstream>

#include "tests/support/gateway_process.h"

namespace rollcall::tests::support {

::testing::AssertionResult import_registry(const RedisServer& redis, std::string_view event,
                                           const std::string& csv, const ImportOptions& options) {
  const std::string path = redis.data_dir() + "/" + options.file_name;
  if (!(std::ofstream(path, std::ios::binary) << csv)) {
    return ::testing::AssertionFailure() << "cannot write " << path;
  }
  std::string event_file;
  if (!options.event_json.empty()) {
    event_file = path + ".json";
    if (!(std::ofstream(event_file, std::ios::binary) << options.event_json)) {
      return ::testing::AssertionFailure() << "cannot write " << event_file;
    }
  }
  return import_registry_file(redis, event, path, event_file, options.extra_args);
}

::testing::AssertionResult import_registry_file(const RedisServer& redis, std::string_view event,
                                                const std::string& csv_path,
                                                const std::string& event_file,
                                                const std::vector<std::string>& extra_args) {
  std::vector<std::string> argv = {ROLLCALL_IMPORT_BIN, "--event", std::string(event), "--registry",
                                   csv_path};
  if (!event_file.empty()) argv.insert(argv.end(), {"--event-file", event_file});
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  argv.insert(argv.end(), {"--redis", redis.url()});
  std::string output;
  const int code = run_program(argv, &output);
  if (code == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "rollcall-import exited " << code << " for event \"" << event << "\": " << output;
}

}  // namespace rollcall::tests::support
