#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "gateway/server/context.h"
#include "rollcall/v1/rollcall.pb.h"

namespace rollcall::gateway::server {

// Every registered badge of the event (revoked ones too), sorted by id, in one round trip;
// nullopt when Redis is not reachable. For exports and the desk sync.
boost::asio::awaitable<std::optional<std::vector<v1::Badge>>> load_registry(
    const Context& context, const std::string& event_id);

}  // namespace rollcall::gateway::server
