#include "tools/loadgen/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace rollcall::tools::loadgen {

std::size_t LatencyHistogram::bucket_of(std::int64_t micros) {
  const auto v = static_cast<std::uint64_t>(std::max<std::int64_t>(0, micros));
  if (v < 2 * kSub) return static_cast<std::size_t>(v);
  // v in [2^k, 2^(k+1)) with k >= 7: keep the top 7 bits (64..127 after the shift).
  const int shift = std::bit_width(v) - 7;
  const auto bucket = static_cast<std::size_t>(kSub * shift + (v >> shift));
  return std::min(bucket, kBuckets - 1);
}

double LatencyHistogram::bucket_middle(std::size_t bucket) {
  if (bucket < 2 * kSub) return static_cast<double>(bucket);
  const auto shift = static_cast<int>(bucket / kSub) - 1;
  const auto mantissa = static_cast<double>(bucket % kSub + kSub);
  return std::ldexp(mantissa + 0.5, shift);
}

void LatencyHistogram::record(std::int64_t micros) {
  ++buckets_[bucket_of(micros)];
  ++count_;
  sum_ += micros;
  max_ = std::max(max_, micros);
}

double LatencyHistogram::quantile(double q) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<std::int64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * count_));
  std::int64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= std::max<std::int64_t>(rank, 1)) {
      return std::min(bucket_middle(i), static_cast<double>(max_));
    }
  }
  return static_cast<double>(max_);
}

boost::json::object LatencyHistogram::to_json() const {
  auto ms = [](double micros) { return std::round(micros) / 1000.0; };
  return {{"count", count_},
          {"p50_ms", ms(quantile(0.5))},
          {"p90_ms", ms(quantile(0.9))},
          {"p95_ms", ms(quantile(0.95))},
          {"p99_ms", ms(quantile(0.99))},
          {"p999_ms", ms(quantile(0.999))},
          {"max_ms", ms(static_cast<double>(max_))},
          {"mean_ms", ms(mean())}};
}

}  // namespace rollcall::tools::loadgen
