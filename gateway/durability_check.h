#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "redis/commands.h"
#include "services/store/durability.h"

namespace rollcall::gateway {

// A Redis whose writes the gateway relies on: its name for the log ("" for the one Redis of a
// plain or Sentinel URL, "host:port" for each primary of a cluster) and the link to it.
using DurabilityTarget = std::pair<std::string, std::shared_ptr<redis::Commands>>;

// Asks each target for its AOF settings. The first problem when one provides less than
// `required` (prefixed with its name); nullopt when all are enough, or when a server will not
// tell (CONFIG renamed away on managed Redis): that case is logged as a warning, since it
// cannot be checked. Every primary of a cluster holds events, so each is asked.
boost::asio::awaitable<std::optional<std::string>> durability_problem(
    std::vector<DurabilityTarget> targets, services::store::Durability required);

}  // namespace rollcall::gateway
