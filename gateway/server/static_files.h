#pragma once

#include <string_view>

#include <boost/beast/http.hpp>

#include "gateway/server/context.h"

namespace rollcall::gateway::server {

// Files under the web root (resolve_static_path: "/" is index.html, "/NAME" may omit ".html");
// everything else, and every path when the gateway has no web root, is 404. `encoded_path` is
// the request target's path as sent. Paths refused for their spelling (traversal, encoded
// slashes, NUL, symlinks out of the root) are counted and logged.
boost::beast::http::message_generator serve_static(
    const boost::beast::http::request<boost::beast::http::string_body>& request,
    const Context& context, std::string_view encoded_path);

}  // namespace rollcall::gateway::server
