#pragma once

#include <chrono>
#include <memory>

#include <boost/asio/awaitable.hpp>

#include "gateway/metrics.h"
#include "redis/commands.h"

namespace rollcall::gateway {

// Feeds every venue's figures (docs/architecture.md, "Venues"): every `period`
// (--venue-fold-ms) it reads `rollcall:venues`, and for each member event of each venue the
// log entries after the venue's cursor (at most 500 per call, up to 20 calls per event and
// pass), looks up the badges they need (pipelined HMGETs) and calls rollcall_venue_fold. Every
// gateway runs it; the Function's per-event cursor makes each entry count once however many
// gateways fold the same range. Failures are counted (rollcall_redis_failures_total{site=
// "venue_fold"}) and logged with their cause, at most one line per second.
boost::asio::awaitable<void> run_venue_folds(std::shared_ptr<redis::Commands> redis,
                                             std::shared_ptr<Metrics> metrics,
                                             std::chrono::milliseconds period);

}  // namespace rollcall::gateway
