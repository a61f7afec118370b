#include "tools/scenario/random.h"

#include <gtest/gtest.h>

#include <numeric>
#include <random>

namespace rollcall::tools::scenario {
namespace {

TEST(Random, TheEngineIsTheStandardOne) {
  // The C++ standard fixes this value (the 10000th output of a default-seeded mt19937_64), so a
  // seed means the same scenario with every standard library.
  std::mt19937_64 engine;
  engine.discard(9999);
  EXPECT_EQ(engine(), 9981545732273789042ULL);
}

TEST(Random, SameSeedSameDraws) {
  Random a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = a.between(0, 1000);
    EXPECT_EQ(x, b.between(0, 1000));
    differs = differs || x != c.between(0, 1000);
  }
  EXPECT_TRUE(differs);
}

TEST(Random, ForksAreDeterministicAndIndependent) {
  const Random parent(7);
  auto one = parent.fork(1), again = parent.fork(1), two = parent.fork(2);
  const auto x = one.bits();
  EXPECT_EQ(x, again.bits());
  EXPECT_NE(x, two.bits());
}

TEST(Random, BetweenStaysInBoundsAndReachesThem) {
  Random random(1);
  bool low = false, high = false;
  for (int i = 0; i < 10000; ++i) {
    const auto x = random.between(3, 7);
    ASSERT_GE(x, 3);
    ASSERT_LE(x, 7);
    low = low || x == 3;
    high = high || x == 7;
  }
  EXPECT_TRUE(low && high);
  EXPECT_EQ(random.between(5, 5), 5);
}

TEST(Random, UniformAndNormalHaveTheRightShape) {
  Random random(2);
  double sum = 0, square = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const double u = random.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    const double x = random.normal(10, 2);
    sum += x;
    square += x * x;
  }
  const double mean = sum / n;
  EXPECT_NEAR(mean, 10, 0.1);
  EXPECT_NEAR(std::sqrt(square / n - mean * mean), 2, 0.1);
}

TEST(Random, WeightedFollowsTheWeights) {
  Random random(3);
  std::vector<int> hits(3);
  for (int i = 0; i < 30000; ++i) ++hits[random.weighted({1, 0, 2})];
  EXPECT_EQ(hits[1], 0);
  EXPECT_NEAR(hits[2] / static_cast<double>(hits[0]), 2.0, 0.15);
}

TEST(Random, ShuffleKeepsEveryItem) {
  Random random(4);
  std::vector<int> items(100);
  std::iota(items.begin(), items.end(), 0);
  auto shuffled = items;
  random.shuffle(shuffled);
  EXPECT_NE(shuffled, items);
  std::sort(shuffled.begin(), shuffled.end());
  EXPECT_EQ(shuffled, items);
}

TEST(Apportion, PartsAddUpExactly) {
  EXPECT_EQ(apportion(10, {1, 1, 1}), (std::vector<std::int64_t>{4, 3, 3}));
  EXPECT_EQ(apportion(7, {0, 5}), (std::vector<std::int64_t>{0, 7}));
  const auto parts = apportion(10982, {1650, 520, 410, 3, 1});
  EXPECT_EQ(std::accumulate(parts.begin(), parts.end(), std::int64_t{0}), 10982);
  EXPECT_EQ(apportion(0, {1, 2}), (std::vector<std::int64_t>{0, 0}));
}

}  // namespace
}  // namespace rollcall::tools::scenario
