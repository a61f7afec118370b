#include "gateway/durability_check.h"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace rollcall::gateway {

namespace asio = boost::asio;

boost::asio::awaitable<std::optional<std::string>> durability_problem(
    redis::Commands& redis, services::store::Durability required) {
  std::vector<std::string> command{"CONFIG", "GET", "append*"};
  auto [ec, reply] =
      co_await redis.async_exec(std::move(command), asio::as_tuple(asio::use_awaitable));
  if (ec || reply.is_error()) {
    spdlog::warn("cannot read Redis' durability settings ({}); assuming they are as configured",
                 ec ? ec.message() : reply.str);
    co_return std::nullopt;
  }
  std::string appendonly;
  std::string appendfsync;
  const auto fields = std::move(reply).element_texts();
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
    if (fields[i] == "appendonly") appendonly = fields[i + 1];
    if (fields[i] == "appendfsync") appendfsync = fields[i + 1];
  }
  co_return services::store::durability_shortfall(required, appendonly, appendfsync);
}

}  // namespace rollcall::gateway
