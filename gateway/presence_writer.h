#pragma once

#include <vector>

#include <boost/asio/awaitable.hpp>

#include "gateway/event_directory.h"
#include "gateway/metrics.h"
#include "redis/commands.h"
#include "services/presence/presence_items.h"

namespace rollcall::gateway {

// Applies validated joins and leaves in one call of the presence function, counted for the
// event's current day. Acks come in item order; all `unavailable` when Redis is away. Each
// outcome is counted in `metrics`.
boost::asio::awaitable<std::vector<v1::PresenceAck>> apply_presence(
    redis::Commands& redis, Metrics& metrics, const EventInfo& event,
    const services::presence::Holder& holder, bool resync,
    std::vector<const v1::PresenceEvent*> items);

}  // namespace rollcall::gateway
