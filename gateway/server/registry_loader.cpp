#include "gateway/server/registry_loader.h"

#include <algorithm>

#include <boost/asio/use_awaitable.hpp>

#include "gateway/asio_tokens.h"
#include "services/store/keys.h"

namespace rollcall::gateway::server {

namespace asio = boost::asio;
namespace store = services::store;

// Every registered badge in one round trip: SORT ... BY nosort GET reads the hashes the set
// names (the pattern keeps the event's hash tag, so it stays in one cluster slot).
asio::awaitable<std::optional<std::vector<v1::Badge>>> load_registry(const Context& context,
                                                                     const std::string& event_id) {
  const std::string pattern = store::badge_key(event_id, "*");
  std::vector<std::string> args = {"SORT", store::badges_key(event_id),
                                   "BY",   "nosort",
                                   "GET",  "#",
                                   "GET",  pattern + "->country",
                                   "GET",  pattern + "->category",
                                   "GET",  pattern + "->name",
                                   "GET",  pattern + "->organization",
                                   "GET",  pattern + "->revoked",
                                   "GET",  pattern + "->person",
                                   "GET",  pattern + "->revoked_reason",
                                   "GET",  pattern + "->replaced_by",
                                   "GET",  pattern + "->registered_by"};
  constexpr std::size_t kFields = 10;
  auto [ec, reply] = co_await context.commands->async_exec(std::move(args), use_tuple);
  if (ec || reply.is_error()) co_return std::nullopt;
  std::vector<v1::Badge> badges;
  const auto& e = reply.elements;
  for (std::size_t i = 0; i + kFields <= e.size(); i += kFields) {
    if (e[i + 2].type == redis::Reply::Type::nil) continue;  // listed, deleted since
    v1::Badge badge;
    badge.set_badge_id(e[i].str);
    badge.set_country(e[i + 1].str);
    badge.set_category(e[i + 2].str);
    badge.set_name(e[i + 3].str);
    badge.set_organization(e[i + 4].str);
    badge.set_revoked(e[i + 5].str == "1");
    // A replaced badge and its successor (services/store/rollcall.lua): the desk sync seals
    // them so an offline desk refuses the old code with its reason.
    if (e[i + 6].str != badge.badge_id()) badge.set_person_id(e[i + 6].str);
    badge.set_revoked_reason(e[i + 7].str);
    badge.set_replaced_by(e[i + 8].str);
    badge.set_registered_by(e[i + 9].str);
    badges.push_back(std::move(badge));
  }
  std::sort(badges.begin(), badges.end(),
            [](const auto& a, const auto& b) { return a.badge_id() < b.badge_id(); });
  co_return badges;
}

}  // namespace rollcall::gateway::server
