#include "gateway/server/registration_route.h"

#include <chrono>
#include <random>

#include <spdlog/spdlog.h>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/redis_failure.h"
#include "gateway/server/http_routes.h"
#include "gateway/server/request_auth.h"
#include "services/registry/badge_validator.h"
#include "services/registry/desk_registry.h"
#include "services/registry/utf8.h"
#include "services/registry/walk_in.h"
#include "services/store/badge_registry_call.h"
#include "services/wire/codec.h"

namespace rollcall::gateway::server {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace registry = services::registry;
using services::wire::Encoding;

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

http::response<http::string_body> unavailable(const Request& request) {
  return error_response(request, http::status::service_unavailable, "redis_unavailable",
                        "Redis is not reachable; try again shortly");
}

// Why this gateway cannot sign codes for a signed event, or empty when it can (or the event
// takes plain badge ids). A key the event does not list, or has retired, would make codes every
// desk refuses: no badge is better than a badge that does not open the door.
std::string signing_problem(const Context& context, const EventInfo& event) {
  if (event.badge_keys.empty()) return {};
  const auto& event_id = event.config.event_id();
  if (!context.signing_keys->holds(event_id)) {
    return "this event's badges carry signed codes and this gateway holds no badge-signing key "
           "for it (rollcall-gateway --badge-signing-key); nothing was created";
  }
  const auto key = event.badge_keys.find(context.signing_keys->key_id(event_id));
  if (key == event.badge_keys.end() || key->second.has_retired_at()) {
    return "the badge-signing key this gateway holds for the event is not one of its current "
           "badge keys; nothing was created";
  }
  return {};
}

// A random id for a badge the desk left without one (the Function refuses a taken one).
std::string new_badge_id(std::string_view prefix) {
  static thread_local std::random_device entropy;
  const std::uint64_t random = (std::uint64_t{entropy()} << 32) | entropy();
  return registry::make_badge_id(prefix, random);
}

// The Function's answer to an HTTP answer: 201 issued (200 replayed) with the BadgeIssued, or
// the refusal. `issued` is filled for the caller's log line.
http::response<http::string_body> answer_from_registry(const Request& request,
                                                       const Context& context,
                                                       const EventInfo& event,
                                                       const registry::RegistryAnswer& answer) {
  using registry::RegistryStatus;
  const auto quoted = registry::quote_input(answer.badge.badge_id());
  switch (answer.status) {
    case RegistryStatus::badge_exists:
      return error_response(request, http::status::conflict, "badge_exists",
                            "badge \"" + quoted +
                                "\" is in the registry already; nothing was "
                                "created");
    case RegistryStatus::unknown_badge:
      return error_response(request, http::status::not_found, "unknown_badge",
                            "badge \"" + quoted + "\" is not in the registry of this event");
    case RegistryStatus::already_replaced:
      return error_response(request, http::status::conflict, "already_replaced",
                            answer.detail.empty()
                                ? "badge \"" + quoted + "\" is revoked already; nothing was changed"
                                : "badge \"" + quoted + "\" was replaced already by badge \"" +
                                      registry::quote_input(answer.detail) +
                                      "\"; nothing was changed");
    case RegistryStatus::issued:
      break;
  }
  v1::BadgeIssued issued;
  *issued.mutable_badge() = answer.badge;
  issued.set_replaced(answer.replaced);
  issued.set_replay(answer.replay);
  issued.set_code(answer.badge.badge_id());
  if (!event.badge_keys.empty()) {
    try {
      const auto code = context.signing_keys->code_for(
          event.config.event_id(), answer.badge.badge_id(), answer.first_day, answer.last_day);
      if (code) issued.set_code(*code);
    } catch (const std::invalid_argument& e) {
      // Days and ids were checked before: a code that cannot be made is this gateway's fault.
      spdlog::error("event {}: badge {} cannot be signed: {}", event.config.event_id(),
                    answer.badge.badge_id(), e.what());
      return error_response(request, http::status::internal_server_error, "signing_failed",
                            "the badge was registered but its code cannot be signed; ask the "
                            "organizer");
    }
  }
  return json_response(request, answer.replay ? http::status::ok : http::status::created,
                       services::wire::encode(issued, Encoding::json));
}

// Runs one registry Function; nullopt (counted and logged) when Redis cannot answer it.
asio::awaitable<std::optional<registry::RegistryAnswer>> run_registry(
    const Context& context, const std::string& event_id, std::vector<std::string> command) {
  auto [ec, reply] = co_await context.commands->async_exec(std::move(command), use_tuple);
  auto fields = services::store::read_registry_answer(reply);
  if (ec || !fields) {
    note_redis_failure(
        *context.metrics, "registry", event_id,
        ec ? link_failure(ec, context.commands->last_error()) : store_failure(fields.error, reply));
    co_return std::nullopt;
  }
  auto answer = registry::registry_answer_from_reply(*fields);
  if (!answer) {
    note_redis_failure(*context.metrics, "registry", event_id,
                       {.kind = "reply_shape",
                        .cause = "the registry function's reply of " +
                                 std::to_string(fields->size()) + " fields is not understood"});
  }
  co_return answer;
}

// The event, or the answer that says why there is none.
struct EventOrAnswer {
  std::shared_ptr<const EventInfo> event;
  std::optional<http::response<http::string_body>> refusal;
};
asio::awaitable<EventOrAnswer> find_event(const Request& request, const Context& context,
                                          const std::string& event_id) {
  const auto lookup = co_await context.events->find(event_id);
  if (lookup.unavailable) co_return EventOrAnswer{nullptr, unavailable(request)};
  if (!lookup.event) {
    co_return EventOrAnswer{
        nullptr, error_response(request, http::status::not_found, "unknown_event",
                                "no event named \"" + registry::quote_input(event_id) + "\"")};
  }
  if (auto problem = signing_problem(context, *lookup.event); !problem.empty()) {
    context.metrics->count_http_refusal("no_signing_key");
    spdlog::warn("event {}: a badge was asked for, but {}", event_id, problem);
    co_return EventOrAnswer{nullptr, error_response(request, http::status::conflict,
                                                    "no_signing_key", std::move(problem))};
  }
  co_return EventOrAnswer{lookup.event, std::nullopt};
}

http::response<http::string_body> malformed(const Request& request, std::string_view type,
                                            const std::string& error) {
  return error_response(
      request, http::status::bad_request, "malformed",
      "the body is not a " + std::string(type) + " in JSON: " + registry::quote_input(error));
}

}  // namespace

asio::awaitable<http::message_generator> answer_walk_in(const Request& request,
                                                        const Context& context,
                                                        std::string event_id) {
  const auto decision =
      co_await authorize(request, context, event_id, services::auth::Access::register_walk_ins);
  if (!decision.allowed) co_return refusal_response(request, decision);
  v1::WalkIn wanted;
  std::string error;
  if (!services::wire::decode(request.body(), Encoding::json, &wanted, &error)) {
    co_return malformed(request, "WalkIn", error);
  }
  auto found = co_await find_event(request, context, event_id);
  if (found.refusal) co_return std::move(*found.refusal);
  auto check = registry::check_walk_in(wanted, found.event->config, *context.countries);
  if (check.problem) {
    // {"code":"invalid_field","field":F,"message":M}: the kiosk marks the field.
    co_return json_response(request, http::status::bad_request,
                            boost::json::serialize(boost::json::object{
                                {"code", "invalid_field"},
                                {"field", check.problem->field},
                                {"message", registry::quote_input(check.problem->why, 256)}}));
  }
  auto& walk_in = *check.walk_in;
  if (walk_in.badge.badge_id().empty()) {
    walk_in.badge.set_badge_id(new_badge_id(registry::kWalkInPrefix));
  }
  const auto answer =
      co_await run_registry(context, event_id,
                            registry::register_badge_command(event_id, wanted.request_id(), walk_in,
                                                             decision.token_id, now_ms()));
  if (!answer) co_return unavailable(request);
  if (answer->status == registry::RegistryStatus::issued && !answer->replay) {
    spdlog::info("event {}: walk-in badge {} registered by token {} ({})", event_id,
                 answer->badge.badge_id(), decision.token_id,
                 registry::quote_for_log(decision.name));
  }
  co_return answer_from_registry(request, context, *found.event, *answer);
}

asio::awaitable<http::message_generator> answer_replacement(const Request& request,
                                                            const Context& context,
                                                            std::string event_id,
                                                            std::string badge_id) {
  const auto decision =
      co_await authorize(request, context, event_id, services::auth::Access::replace_badges);
  if (!decision.allowed) co_return refusal_response(request, decision);
  v1::BadgeReplacement wanted;
  std::string error;
  if (!services::wire::decode(request.body(), Encoding::json, &wanted, &error)) {
    co_return malformed(request, "BadgeReplacement", error);
  }
  if (auto why = registry::request_id_problem(wanted.request_id())) {
    co_return error_response(request, http::status::bad_request, "malformed",
                             registry::quote_input(*why));
  }
  // A path id that no badge can have is unknown without asking Redis.
  if (!registry::is_valid_badge_id(badge_id)) {
    co_return error_response(
        request, http::status::not_found, "unknown_badge",
        "badge \"" + registry::quote_input(badge_id) + "\" is not in the registry of this event");
  }
  std::string new_id = wanted.new_badge_id();
  if (!new_id.empty() && !registry::is_valid_badge_id(new_id)) {
    co_return json_response(
        request, http::status::bad_request,
        boost::json::serialize(boost::json::object{
            {"code", "invalid_field"},
            {"field", "new_badge_id"},
            {"message",
             "new_badge_id \"" + registry::quote_input(new_id, 80) +
                 "\" must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.', ':', '-'"}}));
  }
  if (!v1::ReplacementReason_IsValid(wanted.reason())) {
    co_return error_response(request, http::status::bad_request, "malformed",
                             "reason must be lost, damaged or stolen");
  }
  auto found = co_await find_event(request, context, event_id);
  if (found.refusal) co_return std::move(*found.refusal);
  if (new_id.empty()) new_id = new_badge_id(registry::kReplacementPrefix);
  const auto answer = co_await run_registry(
      context, event_id,
      registry::replace_badge_command(event_id, wanted.request_id(), badge_id, new_id,
                                      wanted.reason(), decision.token_id, now_ms()));
  if (!answer) co_return unavailable(request);
  if (answer->status == registry::RegistryStatus::issued && !answer->replay) {
    spdlog::info("event {}: badge {} replaced by {} ({}) by token {} ({})", event_id,
                 answer->replaced, answer->badge.badge_id(),
                 v1::ReplacementReason_Name(wanted.reason()), decision.token_id,
                 registry::quote_for_log(decision.name));
  }
  co_return answer_from_registry(request, context, *found.event, *answer);
}

}  // namespace rollcall::gateway::server
