#include "gateway/server/badge_pdf_route.h"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>

#include "gateway/asio_tokens.h"
#include "services/print/badge_face.h"
#include "services/registry/badge_validator.h"
#include "services/registry/utf8.h"
#include "services/store/event_reads.h"
#include "services/store/keys.h"

namespace rollcall::gateway::server {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace print = services::print;
using services::registry::quote_input;

constexpr std::size_t kMaxFilenameId = 64;

// The whole badge hash; nullopt when Redis is away; an empty map for no such badge.
asio::awaitable<std::optional<std::map<std::string, std::string>>> read_badge(
    const Context& context, const std::string& event_id, const std::string& badge_id) {
  auto [ec, reply] = co_await context.commands->async_exec(
      services::store::badge_hash_read(event_id, badge_id), use_tuple);
  auto pairs = services::store::read_hash(reply);
  if (ec || !pairs) co_return std::nullopt;
  std::map<std::string, std::string> fields;
  for (auto& [name, value] : *pairs) fields[std::move(name)] = std::move(value);
  co_return fields;
}

std::string field(const std::map<std::string, std::string>& fields, const std::string& name) {
  const auto it = fields.find(name);
  return it == fields.end() ? std::string() : it->second;
}

}  // namespace

std::string badge_pdf_filename(std::string_view badge_id) {
  std::string safe;
  for (const char c : badge_id.substr(0, kMaxFilenameId)) {
    const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '_' || c == '-';
    safe.push_back(plain ? c : '_');
  }
  return "badge-" + safe + ".pdf";
}

asio::awaitable<http::message_generator> answer_badge_pdf(const Request& request,
                                                          const Context& context,
                                                          std::string event_id,
                                                          std::string badge_id) {
  const auto refuse = [&](http::status status, std::string code, std::string message) {
    context.metrics->count_badge_pdf(code);
    return error_response(request, status, std::move(code), std::move(message));
  };
  auto size = print::BadgeSize::a6;
  const auto target = boost::urls::parse_origin_form(request.target());
  if (!target) co_return refuse(http::status::bad_request, "bad_size", "unreadable query string");
  if (const auto param = target->params().find("size"); param != target->params().end()) {
    const auto parsed = print::parse_badge_size((*param).value);
    if (!parsed) {
      co_return refuse(http::status::bad_request, "bad_size",
                       "size must be a6 or cr80, not \"" + quote_input((*param).value) + "\"");
    }
    size = *parsed;
  }
  // An id the registry could never hold is not looked up: its bytes never reach a Redis key.
  if (!services::registry::is_valid_badge_id(badge_id)) {
    co_return refuse(http::status::not_found, "unknown_badge",
                     "no badge \"" + quote_input(badge_id) + "\" in this event");
  }
  const auto lookup = co_await context.events->find(event_id);
  if (lookup.unavailable) {
    co_return error_response(request, http::status::service_unavailable, "redis_unavailable",
                             "Redis is not reachable; try again shortly");
  }
  if (!lookup.event) {
    co_return error_response(request, http::status::not_found, "unknown_event",
                             "no event named \"" + quote_input(event_id) + "\"");
  }
  const auto fields = co_await read_badge(context, event_id, badge_id);
  if (!fields) {
    co_return error_response(request, http::status::service_unavailable, "redis_unavailable",
                             "Redis is not reachable; try again shortly");
  }
  if (fields->empty()) {
    co_return refuse(http::status::not_found, "unknown_badge",
                     "no badge \"" + badge_id + "\" in this event");
  }
  if (field(*fields, "revoked") == "1") {
    const auto successor = field(*fields, "replaced_by");
    co_return refuse(http::status::conflict, "revoked",
                     successor.empty()
                         ? "badge " + badge_id +
                               " is revoked: its code is refused at the door, so it is not printed"
                         : "badge " + badge_id + " was replaced by badge " +
                               quote_input(successor, 64) + ": print the new badge instead");
  }

  const auto& event = *lookup.event;
  std::string code = badge_id;
  if (!event.badge_keys.empty()) {
    // Only a key the event lists and has not retired signs a code the door accepts.
    const auto held = context.signing_keys->key_id(event_id);
    const auto listed = event.badge_keys.find(held);
    if (held.empty() || listed == event.badge_keys.end() || listed->second.has_retired_at()) {
      co_return refuse(
          http::status::conflict, "no_signing_key",
          held.empty() ? "event " + event_id +
                             " signs its badge codes and this gateway holds no key of it "
                             "(rollcall-gateway --badge-signing-key): nothing printed"
                       : "the badge key this gateway holds (" + held + ") is " +
                             (listed == event.badge_keys.end() ? "not a key of" : "retired in") +
                             " event " + event_id + ": nothing printed");
    }
    const auto [first_day, last_day] = print::code_validity(event.config);
    try {
      code = *context.signing_keys->code_for(event_id, badge_id, first_day, last_day);
    } catch (const std::exception& e) {
      spdlog::warn("badge {} of event {}: cannot sign its code: {}", badge_id, event_id, e.what());
      co_return refuse(http::status::conflict, "no_signing_key",
                       std::string("the badge code cannot be signed: ") + e.what());
    }
  }

  v1::Badge badge;
  badge.set_badge_id(badge_id);
  badge.set_name(field(*fields, "name"));
  badge.set_organization(field(*fields, "organization"));
  badge.set_country(field(*fields, "country"));
  badge.set_category(field(*fields, "category"));
  std::vector<print::BadgeFace> faces = {
      print::badge_face(badge, event.config, *context.countries, std::move(code))};
  const auto rendered = co_await context.printer->render(std::move(faces), size);
  if (rendered.busy) {
    spdlog::warn("badge PDF for {} of event {} turned away: {} renders in flight", badge_id,
                 event_id, context.printer->in_flight());
    auto response = refuse(http::status::service_unavailable, "busy",
                           "too many badges are being printed at once; try again in a moment");
    response.set(http::field::retry_after, "1");
    co_return response;
  }
  if (!rendered.pdf) {
    spdlog::error("badge PDF for {} of event {} failed: {}", badge_id, event_id, rendered.error);
    co_return refuse(http::status::internal_server_error, "failed",
                     "the badge could not be rendered");
  }
  context.metrics->count_badge_pdf("printed");
  spdlog::info("badge PDF for {} of event {} ({}) rendered in {:.1f} ms", badge_id, event_id,
               print::badge_size_name(size), rendered.milliseconds);
  http::response<http::string_body> response{http::status::ok, request.version()};
  response.set(http::field::server, "rollcall");
  response.set(http::field::content_type, "application/pdf");
  response.set(http::field::content_disposition,
               "attachment; filename=\"" + badge_pdf_filename(badge_id) + "\"");
  response.set(http::field::cache_control, "no-store");
  response.keep_alive(request.keep_alive());
  response.body() = std::move(*rendered.pdf);
  response.prepare_payload();
  co_return response;
}

}  // namespace rollcall::gateway::server
