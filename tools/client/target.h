#pragma once

#include <string>
#include <string_view>

namespace rollcall::tools::client {

// Percent-encodes everything but RFC 3986 unreserved characters, so any event id is safe in a
// query string or path segment.
std::string percent_encode(std::string_view text);

// "/v1/desk" + "wsis 2025" -> "/v1/desk?event=wsis%202025"
std::string channel_target(std::string_view path, std::string_view event);

}  // namespace rollcall::tools::client
