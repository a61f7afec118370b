#pragma once

#include <filesystem>
#include <string_view>

#include <boost/beast/http.hpp>

namespace rollcall::gateway::server {

// Files under the web root; "/" is index.html and "/NAME" may omit ".html". Paths that climb
// out of the root, hidden files and anything that is not a regular file are 404.
boost::beast::http::message_generator serve_static(
    const boost::beast::http::request<boost::beast::http::string_body>& request,
    const std::filesystem::path& root, std::string_view path);

}  // namespace rollcall::gateway::server
