#include "gateway/protobuf_log.h"

#include <string>

#include <google/protobuf/stubs/logging.h>
#include <spdlog/spdlog.h>

#include "gateway/server/log_throttle.h"
#include "services/registry/utf8.h"

namespace rollcall::gateway {
namespace {

void to_spdlog(google::protobuf::LogLevel level, const char* /*file*/, int /*line*/,
               const std::string& message) {
  static server::LogThrottle throttle(1.0);
  const auto skipped = throttle.admit();
  if (!skipped) return;
  const auto text = services::registry::quote_for_log(message);
  const auto note =
      *skipped == 0 ? std::string() : " (" + std::to_string(*skipped) + " more since the last)";
  if (level >= google::protobuf::LOGLEVEL_ERROR) {
    spdlog::warn("protobuf: {}{}", text, note);
  } else {
    spdlog::info("protobuf: {}{}", text, note);
  }
}

}  // namespace

void route_protobuf_log() {
  google::protobuf::SetLogHandler(&to_spdlog);
}

}  // namespace rollcall::gateway
