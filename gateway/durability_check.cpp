#include "gateway/durability_check.h"

#include <spdlog/spdlog.h>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/asio_tokens.h"

namespace rollcall::gateway {

boost::asio::awaitable<std::optional<std::string>> durability_problem(
    std::vector<DurabilityTarget> targets, services::store::Durability required) {
  for (const auto& [name, redis] : targets) {
    const auto where = name.empty() ? std::string() : name + ": ";
    auto [ec, reply] =
        co_await redis->async_exec(services::store::durability_config_read(), use_tuple);
    const auto config = services::store::read_durability_config(reply);
    if (ec || !config) {
      spdlog::warn("cannot read {}Redis' durability settings ({}); assuming they are as configured",
                   where, ec ? ec.message() : config.error.cause);
      continue;
    }
    if (auto problem = services::store::durability_shortfall(required, config->appendonly,
                                                             config->appendfsync)) {
      co_return where + *problem;
    }
  }
  co_return std::nullopt;
}

}  // namespace rollcall::gateway
