#include "gateway/server/static_files.h"

#include <spdlog/spdlog.h>

#include "gateway/server/http_routes.h"
#include "gateway/server/static_path.h"
#include "services/registry/utf8.h"

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

}  // namespace

http::message_generator serve_static(const http::request<http::string_body>& request,
                                     const Context& context, std::string_view encoded_path) {
  std::string refusal;
  const auto file = resolve_static_path(context.web_root, encoded_path, &refusal);
  if (!refusal.empty()) {
    context.metrics->count_http_refusal("static_path");
    spdlog::info("static file refused ({}): {}", refusal,
                 services::registry::quote_for_log(encoded_path));
  }
  http::file_body::value_type body;
  boost::beast::error_code ec;
  if (file) body.open(file->c_str(), boost::beast::file_mode::scan, ec);
  if (!file || ec) {
    std::string decoded;
    if (!percent_decode(encoded_path, &decoded)) decoded = encoded_path;
    return error_response(request, http::status::not_found, "not_found",
                          "no such resource: " + services::registry::quote_input(decoded));
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
