#include "gateway/server/attendee_route.h"

#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "gateway/asio_tokens.h"
#include "services/registry/utf8.h"
#include "services/store/event_reads.h"
#include "services/store/keys.h"

namespace rollcall::gateway::server {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace registry = services::registry;

asio::awaitable<http::message_generator> answer_attendee_lookup(const Request& request,
                                                                const Context& context,
                                                                std::string event_id) {
  const auto target = boost::urls::parse_origin_form(request.target());
  if (!target) {
    co_return error_response(request, http::status::bad_request, "bad_query",
                             "the request's query string cannot be read");
  }
  const auto param = target->params().find("q");
  const std::string query = param != target->params().end() ? (*param).value : std::string();
  if (const auto problem = registry::check_attendee_query(query)) {
    co_return error_response(request, http::status::bad_request, problem->code, problem->message);
  }
  const auto event = co_await context.events->find(event_id);
  if (event.unavailable) {
    co_return error_response(request, http::status::service_unavailable, "redis_unavailable",
                             "Redis is not reachable; try again shortly");
  }
  if (!event.event) {
    co_return error_response(request, http::status::not_found, "unknown_event",
                             "no event named \"" + registry::quote_input(event_id) + "\"");
  }
  const auto index = co_await context.attendees->index(context, event_id);
  if (index.busy) {
    co_return error_response(request, http::status::service_unavailable, "index_building",
                             "the registry is being indexed for search; try again in a moment");
  }
  if (!index.index) {
    co_return error_response(request, http::status::service_unavailable, "redis_unavailable",
                             "Redis is not reachable; try again shortly");
  }
  const auto found = index.index->search(query);
  // Who is inside now, for these few badges only: one SMISMEMBER.
  std::vector<std::string> persons;
  // The inside set holds people: a replacement badge is inside as its person.
  for (const auto& match : found.matches) {
    const auto& badge = *match.badge;
    persons.push_back(badge.person_id().empty() ? badge.badge_id() : badge.person_id());
  }
  std::vector<bool> inside;
  if (!found.matches.empty()) {
    auto [ec, reply] = co_await context.commands->async_exec(
        services::store::inside_read(event_id, persons), use_tuple);
    auto read = services::store::read_inside(reply, persons.size());
    if (ec || !read) {
      co_return error_response(request, http::status::service_unavailable, "redis_unavailable",
                               "Redis is not reachable; try again shortly");
    }
    inside = std::move(*read.value);
  }
  boost::json::array matches;
  for (std::size_t i = 0; i < found.matches.size(); ++i) {
    const auto& badge = *found.matches[i].badge;
    matches.push_back({{"badge_id", badge.badge_id()},
                       {"name", badge.name()},
                       {"organization", badge.organization()},
                       {"country", badge.country()},
                       {"category", badge.category()},
                       {"revoked", badge.revoked()},
                       {"replaced_by", badge.replaced_by()},
                       {"inside", static_cast<bool>(inside[i])},
                       {"match", registry::match_kind_name(found.matches[i].kind)}});
  }
  http::response<http::string_body> response{http::status::ok, request.version()};
  response.set(http::field::server, "rollcall");
  response.set(http::field::content_type, "application/json");
  response.set(http::field::cache_control, "no-store");
  response.keep_alive(request.keep_alive());
  response.body() =
      boost::json::serialize(boost::json::object{{"query", registry::quote_input(query)},
                                                 {"matches", std::move(matches)},
                                                 {"truncated", found.truncated}});
  response.prepare_payload();
  co_return response;
}

}  // namespace rollcall::gateway::server
