#include "gateway/server/static_files.h"

#include "gateway/server/http_routes.h"

namespace rollcall::gateway::server {
namespace {

namespace http = boost::beast::http;

std::string_view mime_type(const std::filesystem::path& file) {
  const auto ext = file.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".webmanifest") return "application/manifest+json";
  return "application/octet-stream";
}

std::optional<std::filesystem::path> resolve(const std::filesystem::path& root,
                                             std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  std::filesystem::path relative = path == "/" ? "index.html" : std::string(path.substr(1));
  for (const auto& part : relative) {
    const auto text = part.string();
    if (text.empty() || text.front() == '.') return std::nullopt;
  }
  auto file = root / relative;
  std::error_code ec;
  if (!file.has_extension() && std::filesystem::is_regular_file(file.string() + ".html", ec)) {
    file += ".html";
  }
  if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  return file;
}

}  // namespace

http::message_generator serve_static(const http::request<http::string_body>& request,
                                     const std::filesystem::path& root, std::string_view path) {
  const auto file = resolve(root, path);
  http::file_body::value_type body;
  boost::beast::error_code ec;
  if (file) body.open(file->c_str(), boost::beast::file_mode::scan, ec);
  if (!file || ec) {
    return error_response(request, http::status::not_found, "not_found",
                          "no such resource: " + std::string(path));
  }
  const auto size = body.size();
  http::response<http::file_body> response{std::piecewise_construct,
                                           std::make_tuple(std::move(body)),
                                           std::make_tuple(http::status::ok, request.version())};
  response.set(http::field::server, "rollcall");
  response.set(http::field::content_type, mime_type(*file));
  response.set(http::field::cache_control, "no-cache");
  response.content_length(size);
  response.keep_alive(request.keep_alive());
  if (request.method() == http::verb::head) {
    http::response<http::empty_body> head{http::status::ok, request.version()};
    head.base() = response.base();
    return head;
  }
  return response;
}

}  // namespace rollcall::gateway::server
