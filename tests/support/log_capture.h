#pragma once

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <spdlog/sinks/ostream_sink.h>

namespace rollcall::tests::support {

// Copies what the default spdlog logger writes while it lives, so a test can assert the lines
// the code logged (messages only, one per line).
class LogCapture {
 public:
  LogCapture();
  ~LogCapture();
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::vector<std::string> lines() const;
  // The lines that contain `part`.
  std::vector<std::string> lines_with(const std::string& part) const;

 private:
  std::shared_ptr<std::ostringstream> out_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
};

}  // namespace rollcall::tests::support
