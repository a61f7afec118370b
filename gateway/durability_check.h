#pragma once

#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "redis/commands.h"
#include "services/store/durability.h"

namespace rollcall::gateway {

// Asks Redis for its AOF settings. The problem when it provides less than `required`; nullopt
// when it is enough, or when the server will not tell (CONFIG renamed away on managed Redis):
// that case is logged as a warning, since it cannot be checked.
boost::asio::awaitable<std::optional<std::string>> durability_problem(
    redis::Commands& redis, services::store::Durability required);

}  // namespace rollcall::gateway
