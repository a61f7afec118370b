#pragma once

#include <algorithm>
#include <chrono>

namespace rollcall::gateway::server {

// A token bucket: `rate` per second on average, bursts up to `burst`. One per connection, used
// on that connection's strand only.
class RateLimiter {
 public:
  RateLimiter(double rate, double burst)
      : rate_(rate), burst_(burst), tokens_(burst), last_(std::chrono::steady_clock::now()) {}

  bool allow(double cost) {
    const auto now = std::chrono::steady_clock::now();
    tokens_ =
        std::min(burst_, tokens_ + rate_ * std::chrono::duration<double>(now - last_).count());
    last_ = now;
    if (tokens_ < cost) return false;
    tokens_ -= cost;
    return true;
  }

 private:
  double rate_;
  double burst_;
  double tokens_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace rollcall::gateway::server
