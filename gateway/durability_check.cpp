#include "gateway/durability_check.h"

#include "gateway/asio_tokens.h"

#include <spdlog/spdlog.h>
#include <boost/asio/use_awaitable.hpp>

namespace rollcall::gateway {

namespace asio = boost::asio;

boost::asio::awaitable<std::optional<std::string>> durability_problem(
    redis::Commands& redis, services::store::Durability required) {
  auto [ec, reply] =
      co_await redis.async_exec(services::store::durability_config_read(), use_tuple);
  const auto config = services::store::read_durability_config(reply);
  if (ec || !config) {
    spdlog::warn("cannot read Redis' durability settings ({}); assuming they are as configured",
                 ec ? ec.message() : config.error.cause);
    co_return std::nullopt;
  }
  co_return services::store::durability_shortfall(required, config->appendonly,
                                                  config->appendfsync);
}

}  // namespace rollcall::gateway
