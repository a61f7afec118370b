#include "gateway/server/venue_route.h"

#include <boost/asio/use_awaitable.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/redis_failure.h"
#include "services/registry/utf8.h"
#include "services/store/event_reads.h"
#include "services/store/keys.h"
#include "services/wire/codec.h"

namespace rollcall::gateway::server {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using services::wire::Encoding;

asio::awaitable<VenueLookup> find_venue(const Context& context, const std::string& venue_id) {
  VenueLookup lookup;
  const auto feed = services::store::venue_feed(venue_id);
  auto [ec, reply] = co_await context.commands->async_exec(
      services::store::venue_config_read(venue_id), use_tuple);
  const auto stored = services::store::read_field(reply);
  if (ec) {
    note_redis_failure(*context.metrics, "venue", feed,
                       link_failure(ec, context.commands->last_error()));
    lookup.unavailable = true;
    co_return lookup;
  }
  if (!stored) {
    note_redis_failure(*context.metrics, "venue", feed, store_failure(stored.error, reply));
    lookup.unavailable = true;
    co_return lookup;
  }
  if (!*stored) co_return lookup;
  auto parsed = services::venue::parse_venue_config(**stored);
  if (!parsed.config || parsed.config->id != venue_id) {
    // Written by hand or by a newer admin tool: the venue is there but cannot be served.
    note_redis_failure(
        *context.metrics, "venue", feed,
        {.kind = "reply_shape",
         .cause = "stored venue config unusable: " +
                  (parsed.config ? std::string("its id is not the venue's") : parsed.error)});
    lookup.unavailable = true;
    co_return lookup;
  }
  lookup.venue = std::move(parsed.config);
  co_return lookup;
}

asio::awaitable<http::message_generator> answer_venue(const Request& request,
                                                      const Context& context,
                                                      const RouteMatch& route) {
  const auto lookup = co_await find_venue(context, route.venue);
  if (lookup.unavailable) {
    co_return error_response(request, http::status::service_unavailable, "redis_unavailable",
                             "the venue cannot be read now; try again shortly");
  }
  if (!lookup.venue) {
    co_return error_response(
        request, http::status::not_found, "unknown_venue",
        "no venue named \"" + services::registry::quote_input(route.venue) + "\"");
  }
  if (route.route->id == RouteId::venue_info) {
    std::vector<std::pair<std::string, std::string>> names;
    for (const auto& event_id : lookup.venue->events) {
      const auto event = co_await context.events->find(event_id);
      if (event.unavailable) {
        co_return error_response(request, http::status::service_unavailable, "redis_unavailable",
                                 "Redis is not reachable; try again shortly");
      }
      if (event.event) names.emplace_back(event_id, event.event->config.name());
    }
    co_return json_response(request, http::status::ok,
                            services::venue::venue_info_json(*lookup.venue, names));
  }
  auto totals = co_await context.hub->totals(route.event_id);
  if (!totals) {
    co_return error_response(request, http::status::service_unavailable, "redis_unavailable",
                             "Redis is not reachable; try again shortly");
  }
  co_return json_response(request, http::status::ok, encode(*totals, Encoding::json));
}

}  // namespace rollcall::gateway::server
