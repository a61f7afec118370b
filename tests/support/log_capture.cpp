#include "tests/support/log_capture.h"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace rollcall::tests::support {

LogCapture::LogCapture()
    : out_(std::make_shared<std::ostringstream>()),
      sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(*out_)) {
  sink_->set_pattern("%v");
  spdlog::default_logger()->sinks().push_back(sink_);
}

LogCapture::~LogCapture() {
  auto& sinks = spdlog::default_logger()->sinks();
  sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
}

std::vector<std::string> LogCapture::lines() const {
  spdlog::default_logger()->flush();
  std::vector<std::string> lines;
  std::istringstream in(out_->str());
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> LogCapture::lines_with(const std::string& part) const {
  auto all = lines();
  std::erase_if(all, [&](const std::string& line) { return line.find(part) == std::string::npos; });
  return all;
}

}  // namespace rollcall::tests::support
