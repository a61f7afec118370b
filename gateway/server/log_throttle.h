#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <utility>

#include "gateway/server/rate_limiter.h"

namespace rollcall::gateway::server {

// Log lines about what a client can repeat at will (floods, oversized frames) would let it fill
// the disk: at most `per_second` such lines (bursts as large), the others counted and reported
// by the next line let through. Shared by all connections.
class LogThrottle {
 public:
  explicit LogThrottle(double per_second) : limiter_(per_second, per_second) {}

  // nullopt: skip this line. Otherwise the number of lines skipped since the last one.
  std::optional<std::uint64_t> admit() {
    std::lock_guard lock(mutex_);
    if (!limiter_.allow(1)) {
      ++skipped_;
      return std::nullopt;
    }
    return std::exchange(skipped_, 0);
  }

 private:
  std::mutex mutex_;
  RateLimiter limiter_;
  std::uint64_t skipped_ = 0;
};

}  // namespace rollcall::gateway::server
