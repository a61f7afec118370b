#pragma once

#include <memory>

#include <spdlog/formatter.h>

namespace rollcall::gateway::server {

// --log-format json: one JSON object per line, {"time":"...","level":"...","message":"..."},
// time in ISO 8601 with microseconds and offset. The message is escaped as a JSON string and
// invalid UTF-8 (a client's bytes quoted in a message) becomes U+FFFD, so every line parses.
std::unique_ptr<spdlog::formatter> make_json_log_formatter();

}  // namespace rollcall::gateway::server
