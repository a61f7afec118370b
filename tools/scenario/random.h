#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace rollcall::tools::scenario {

// std::mt19937_64 is specified bit for bit, but std's distributions are not: the same seed gives
// different numbers with libstdc++ and libc++. These distributions are written out here so that
// a seed names one scenario everywhere.
class Random {
 public:
  explicit Random(std::uint64_t seed) : seed_(seed), engine_(seed) {}

  // An independent stream for one part of the model, so that changing how much one part draws
  // does not reshuffle every other part.
  Random fork(std::uint64_t stream) const;

  std::uint64_t bits() { return engine_(); }
  double uniform();                                           // [0, 1), 53 random bits
  double uniform(double low, double high);                    // [low, high)
  std::int64_t between(std::int64_t low, std::int64_t high);  // [low, high], unbiased
  bool chance(double probability) { return uniform() < probability; }
  double normal(double mean, double sd);                     // Box-Muller, one draw per call
  std::size_t weighted(const std::vector<double>& weights);  // index with probability ~ weight

  template <typename T>
  void shuffle(std::vector<T>& items) {  // Fisher-Yates
    for (std::size_t i = items.size(); i > 1; --i) {
      const auto j = static_cast<std::size_t>(between(0, static_cast<std::int64_t>(i - 1)));
      std::swap(items[i - 1], items[j]);
    }
  }

 private:
  std::uint64_t seed_ = 0;
  std::mt19937_64 engine_;
};

// Splits `total` into integer parts proportional to `weights` (largest remainder; ties to the
// lower index), so that the parts always add up exactly.
std::vector<std::int64_t> apportion(std::int64_t total, const std::vector<double>& weights);

}  // namespace rollcall::tools::scenario
