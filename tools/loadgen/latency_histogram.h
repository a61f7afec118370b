#pragma once

#include <array>
#include <cstdint>

#include <boost/json/object.hpp>

namespace rollcall::tools::loadgen {

// Latencies in microseconds, in log-linear buckets (64 per power of two: under 1.6% error), so a
// run of any length keeps a fixed, small memory and percentiles stay cheap.
class LatencyHistogram {
 public:
  void record(std::int64_t micros);
  std::int64_t count() const { return count_; }
  // The value at quantile q (0..1), in microseconds: the middle of its bucket. 0 when empty.
  double quantile(double q) const;
  double mean() const { return count_ ? static_cast<double>(sum_) / count_ : 0; }
  std::int64_t max() const { return max_; }

  // {"count", "p50_ms", "p90_ms", "p95_ms", "p99_ms", "p999_ms", "max_ms", "mean_ms"}
  boost::json::object to_json() const;

  static std::size_t bucket_of(std::int64_t micros);
  static double bucket_middle(std::size_t bucket);

 private:
  static constexpr std::size_t kSub = 64;
  static constexpr std::size_t kBuckets = kSub * 40;
  std::array<std::int64_t, kBuckets> buckets_{};
  std::int64_t count_ = 0;
  std::int64_t sum_ = 0;
  std::int64_t max_ = 0;
};

}  // namespace rollcall::tools::loadgen
