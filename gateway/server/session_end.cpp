#include "gateway/server/session_end.h"

#include <spdlog/spdlog.h>

#include "gateway/server/log_throttle.h"
#include "services/registry/utf8.h"

namespace rollcall::gateway::server {

void SessionEnd::operator()(std::exception_ptr failure) const {
  if (!failure) return;
  metrics_->count_session_exception(channel_);
  static LogThrottle throttle(1.0);
  const auto skipped = throttle.admit();
  if (!skipped) return;
  const auto log = [&](std::string_view what) {
    spdlog::error("a connection ({}) ended on an exception ({}) ({} such lines skipped before)",
                  channel_, services::registry::quote_for_log(what, 200), *skipped);
  };
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    log(e.what());
  } catch (...) {
    log("not a std::exception");
  }
}

}  // namespace rollcall::gateway::server
