#include "gateway/server/registry_loader.h"

#include <boost/asio/use_awaitable.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/redis_failure.h"
#include "services/store/registry_reader.h"

namespace rollcall::gateway::server {

namespace asio = boost::asio;
namespace store = services::store;

// The one registry read (services/store/registry_reader.h), on the shared connection.
asio::awaitable<std::optional<std::vector<v1::Badge>>> load_registry(const Context& context,
                                                                     const std::string& event_id) {
  auto [ec, reply] =
      co_await context.commands->async_exec(store::registry_read(event_id), use_tuple);
  auto badges = store::read_registry(reply);
  if (ec || !badges) {
    note_redis_failure(
        *context.metrics, "registry_read", event_id,
        ec ? link_failure(ec, context.commands->last_error()) : store_failure(badges.error, reply));
    co_return std::nullopt;
  }
  co_return std::move(*badges.value);
}

}  // namespace rollcall::gateway::server
