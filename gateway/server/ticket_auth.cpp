#include "gateway/server/ticket_auth.h"

#include <spdlog/spdlog.h>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/totals_hub.h"
#include "services/auth/credentials.h"
#include "services/auth/ticket.h"
#include "services/registry/utf8.h"
#include "services/store/event_reads.h"
#include "services/store/keys.h"

namespace rollcall::gateway::server {

namespace asio = boost::asio;
namespace auth = services::auth;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;

namespace {

std::optional<std::string> param(const boost::urls::params_view& params, std::string_view name) {
  const auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  return (*it).has_value ? std::string((*it).value) : std::string();
}

bool same_country(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) !=
        std::toupper(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// The first query parameter that names someone other than the ticket does, if any.
std::optional<std::string> contradicted(const boost::urls::params_view& params,
                                        const v1::BeaconTicket& claims) {
  const std::pair<std::string_view, const std::string*> said[] = {
      {"participant", &claims.participant_id()},
      {"badge", &claims.badge_id()},
      {"country", &claims.country()},
      {"category", &claims.category()}};
  for (const auto& [name, claimed] : said) {
    const auto value = param(params, name);
    if (!value) continue;
    if (name == "country" ? !same_country(*value, *claimed) : *value != *claimed) {
      return std::string(name);
    }
  }
  return std::nullopt;
}

TicketDecision refused(const Context& context, std::string reason, std::string words,
                       bool forbidden) {
  context.metrics->count_auth_failure(reason);
  return TicketDecision{
      .forbidden = forbidden, .refusal = std::move(reason), .words = std::move(words)};
}

}  // namespace

std::optional<std::string> presented_ticket(const Request& request,
                                            const boost::urls::params_view& params) {
  if (auto ticket = param(params, "ticket")) return ticket;
  if (auto ticket = auth::subprotocol_ticket(request[http::field::sec_websocket_protocol])) {
    return std::string(*ticket);
  }
  return std::nullopt;
}

asio::awaitable<std::optional<std::string>> event_ticket_key(const Context& context,
                                                             const EventInfo& event, bool create) {
  if (!event.ticket_key.empty()) co_return event.ticket_key;
  // Not cached yet (or made a moment ago by another gateway or rollcall-admin): ask Redis.
  const auto& event_id = event.config.event_id();
  const auto field = services::store::kTicketKeyField;
  if (create) {
    // HSETNX: when two issuers race, one key wins and both read it back below.
    auto [ec, reply] = co_await context.commands->async_exec(
        services::store::secret_create(event_id, field, auth::generate_ticket_key()), use_tuple);
    if (ec || reply.is_error()) co_return std::nullopt;
  }
  auto [ec, reply] = co_await context.commands->async_exec(
      services::store::secret_read(event_id, field), use_tuple);
  const auto stored = services::store::read_field(reply);
  if (ec || !stored) co_return std::nullopt;
  if (!*stored) co_return std::string();
  auto key = auth::ticket_key_bytes(**stored);
  if (!key)
    spdlog::error("{}: the ticket key in {} is not 64 hex digits",
                  services::store::secrets_key(event_id), field);
  co_return key.value_or(std::string());
}

asio::awaitable<TicketDecision> check_beacon_ticket(std::string ticket, const Context& context,
                                                    std::string event_id,
                                                    const boost::urls::params_view& params) {
  const auto lookup = co_await context.events->find(event_id);
  if (lookup.unavailable) co_return TicketDecision{.unavailable = true};
  std::string key;
  if (lookup.event) {
    auto found = co_await event_ticket_key(context, *lookup.event, false);
    if (!found) co_return TicketDecision{.unavailable = true};
    key = std::move(*found);
  }
  // No event or no key: nothing can verify, so the ticket is as good as forged.
  const auto check = auth::check_ticket(ticket, key, event_id, unix_ms_now() / 1000);
  if (check.verdict != auth::TicketVerdict::ok) {
    const std::string verdict = auth::ticket_verdict_name(check.verdict);
    co_return refused(context, "ticket_" + verdict, "ticket " + verdict,
                      check.verdict == auth::TicketVerdict::other_event);
  }
  // The ticket says who the beacon is; the query may repeat it but not change it.
  if (param(params, "bridge")) {
    co_return refused(context, "ticket_misused",
                      "a ticket opens a beacon for its participant, never a bridge", true);
  }
  if (const auto name = contradicted(params, check.claims)) {
    spdlog::info("beacon ticket for {} of {} refused: the query names another {} (\"{}\")",
                 services::registry::quote_for_log(check.claims.participant_id()), event_id, *name,
                 services::registry::quote_for_log(param(params, *name).value_or("")));
    co_return refused(context, "ticket_mismatch", "the ticket is for another " + *name, true);
  }
  co_return TicketDecision{.allowed = true, .claims = check.claims};
}

websocket::close_reason refusal_close(const TicketDecision& decision) {
  if (decision.unavailable) {
    return websocket::close_reason(websocket::close_code::try_again_later,
                                   "cannot check the ticket: Redis unavailable, try again");
  }
  const auto code = static_cast<websocket::close_code>(decision.forbidden ? 4403 : 4401);
  return websocket::close_reason(code, decision.words.substr(0, 120));
}

}  // namespace rollcall::gateway::server
