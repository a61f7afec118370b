#include "services/store/durability.h"

#include <gtest/gtest.h>

namespace rollcall::services::store {
namespace {

TEST(Durability, WhatARedisProvidesFollowsItsAofSettings) {
  EXPECT_EQ(provided_durability("no", "always"), Durability::none);
  EXPECT_EQ(provided_durability("yes", "no"), Durability::none);
  EXPECT_EQ(provided_durability("yes", "everysec"), Durability::everysec);
  EXPECT_EQ(provided_durability("yes", "always"), Durability::always);
}

TEST(Durability, AShortfallSaysWhatToChange) {
  EXPECT_EQ(durability_shortfall(Durability::everysec, "yes", "always"), std::nullopt);
  EXPECT_EQ(durability_shortfall(Durability::everysec, "yes", "everysec"), std::nullopt);
  EXPECT_EQ(durability_shortfall(Durability::none, "no", "everysec"), std::nullopt);
  const auto problem = durability_shortfall(Durability::always, "yes", "everysec");
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("appendfsync always"), std::string::npos) << *problem;
  EXPECT_NE(problem->find("--durability everysec"), std::string::npos) << *problem;
  EXPECT_TRUE(durability_shortfall(Durability::everysec, "no", "everysec"));
}

TEST(Durability, NamesRoundTrip) {
  for (const auto d : {Durability::none, Durability::everysec, Durability::always}) {
    EXPECT_EQ(parse_durability(durability_name(d)), d);
  }
  EXPECT_EQ(parse_durability("sometimes"), std::nullopt);
}

}  // namespace
}  // namespace rollcall::services::store
