#pragma once

#include <chrono>
#include <memory>

#include <boost/asio/awaitable.hpp>

#include "gateway/event_directory.h"
#include "redis/commands.h"

namespace rollcall::gateway {

// Counts out, once a day at each event's reset time, everyone still inside from an earlier
// day. Every gateway runs it; the Redis function makes the extra calls harmless.
boost::asio::awaitable<void> run_day_resets(std::shared_ptr<redis::Commands> redis,
                                            std::shared_ptr<EventDirectory> events,
                                            std::chrono::seconds period);

}  // namespace rollcall::gateway
