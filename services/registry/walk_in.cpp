#include "services/registry/walk_in.h"

#include <algorithm>

#include "services/registry/event_config.h"
#include "services/registry/utf8.h"

namespace rollcall::services::registry {
namespace {

constexpr std::size_t kMaxRequestId = 128;

bool is_event_day(const rollcall::v1::Event& event, const std::string& day) {
  return event.days().empty() ||
         std::find(event.days().begin(), event.days().end(), day) != event.days().end();
}

std::optional<FieldProblem> day_problem(std::string_view field, const std::string& day,
                                        const rollcall::v1::Event& event) {
  if (day.empty()) return std::nullopt;
  if (!is_valid_day(day)) {
    return FieldProblem{std::string(field), std::string(field) + " \"" + quote_input(day, 32) +
                                                "\" is not a date YYYY-MM-DD"};
  }
  if (!is_event_day(event, day)) {
    return FieldProblem{std::string(field), std::string(field) + " " + day +
                                                " is not a day of event " + event.event_id()};
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> request_id_problem(const std::string& request_id) {
  if (request_id.empty()) return "request_id is empty (the desk makes one per request)";
  if (request_id.size() > kMaxRequestId) {
    return "request_id is " + std::to_string(request_id.size()) + " bytes long (at most " +
           std::to_string(kMaxRequestId) + ")";
  }
  const bool ok = std::all_of(request_id.begin(), request_id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == ':' || c == '-';
  });
  if (!ok) return "request_id may hold only A-Z, a-z, 0-9, '_', '.', ':', '-'";
  return std::nullopt;
}

WalkInCheck check_walk_in(const rollcall::v1::WalkIn& request, const rollcall::v1::Event& event,
                          const CountryCodes& countries) {
  WalkInCheck check;
  const auto fail = [&](std::string field, std::string why) {
    check.problem = FieldProblem{std::move(field), std::move(why)};
    return check;
  };
  if (auto why = request_id_problem(request.request_id())) return fail("request_id", *why);
  const auto& in = request.badge();
  // What rollcall alone decides about a badge cannot come from a desk.
  if (in.revoked()) return fail("revoked", "a walk-in cannot be registered as revoked");
  if (!in.person_id().empty()) return fail("person_id", "person_id is set by rollcall only");
  if (!in.revoked_reason().empty()) {
    return fail("revoked_reason", "revoked_reason is set by rollcall only");
  }
  if (!in.replaced_by().empty()) return fail("replaced_by", "replaced_by is set by rollcall only");
  if (!in.registered_by().empty()) {
    return fail("registered_by", "registered_by is the desk's token, set by rollcall");
  }
  CheckedWalkIn out;
  // An empty id is the gateway's to make: check the rest with a placeholder that always passes.
  const bool make_id = in.badge_id().empty();
  auto problems =
      check_badge_fields(make_id ? std::string_view("W") : in.badge_id(), in.country(),
                         in.category(), in.name(), in.organization(), event, countries, &out.badge);
  if (!problems.empty()) {
    // Reasons quote the client's text: bounded, valid UTF-8, whatever was sent.
    return fail(problems.front().field, quote_input(problems.front().why, 256));
  }
  if (make_id) out.badge.clear_badge_id();
  if (auto p = day_problem("first_day", request.first_day(), event)) return fail(p->field, p->why);
  if (auto p = day_problem("last_day", request.last_day(), event)) return fail(p->field, p->why);
  if (!request.first_day().empty() && !request.last_day().empty() &&
      request.first_day() > request.last_day()) {
    return fail("last_day",
                "last_day " + request.last_day() + " is before first_day " + request.first_day());
  }
  out.first_day = request.first_day();
  out.last_day = request.last_day();
  check.walk_in = std::move(out);
  return check;
}

}  // namespace rollcall::services::registry
