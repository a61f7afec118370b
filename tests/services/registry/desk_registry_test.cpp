#include "services/registry/desk_registry.h"

#include <random>
#include <set>

#include <gtest/gtest.h>

#include "services/registry/badge_validator.h"

namespace rollcall::services::registry {
namespace {

std::vector<std::string> issued_reply() {
  return {"issued", "0",   "R-ABC", "CH", "minister", "Ana", "Org",
          "B1",     "tok", "B1",    "",   "",         "",    "7"};
}

TEST(DeskRegistryTest, CommandsCarryEveryArgumentInTheFunctionsOrder) {
  CheckedWalkIn w;
  w.badge.set_badge_id("W-1");
  w.badge.set_country("FR");
  w.badge.set_category("youth");
  w.badge.set_name("Bé");
  w.badge.set_organization("O");
  w.first_day = "2025-07-08";
  const auto walk = register_badge_command("ev", "r1", w, "tok", 1234);
  EXPECT_EQ(walk,
            (std::vector<std::string>{"FCALL", "rollcall_register_badge", "1", "{ev}", "r1", "W-1",
                                      "FR", "youth", "Bé", "O", "2025-07-08", "", "tok", "1234"}));
  const auto replace = replace_badge_command("ev", "r2", "B1", "N1", v1::stolen, "tok", 99);
  EXPECT_EQ(replace, (std::vector<std::string>{"FCALL", "rollcall_replace_badge", "1", "{ev}", "r2",
                                               "B1", "N1", "stolen", "tok", "99"}));
  EXPECT_EQ(
      replace_badge_command("ev", "r", "B", "N", v1::replacement_reason_unspecified, "t", 1)[7],
      "lost");
  EXPECT_EQ(
      replace_badge_command("ev", "r", "B", "N", static_cast<v1::ReplacementReason>(77), "t", 1)[7],
      "lost");
}

TEST(DeskRegistryTest, RepliesAreParsedAndForeignShapesRefused) {
  const auto answer = registry_answer_from_reply(issued_reply());
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, RegistryStatus::issued);
  EXPECT_FALSE(answer->replay);
  EXPECT_EQ(answer->badge.badge_id(), "R-ABC");
  EXPECT_EQ(answer->badge.person_id(), "B1");
  EXPECT_EQ(answer->badge.registered_by(), "tok");
  EXPECT_EQ(answer->replaced, "B1");
  EXPECT_EQ(answer->seq, 7);

  auto refused = std::vector<std::string>(14, "");
  refused[0] = "already_replaced";
  refused[1] = "0";
  refused[2] = "B1";
  refused[12] = "N1";
  refused[13] = "0";
  const auto already = registry_answer_from_reply(refused);
  ASSERT_TRUE(already);
  EXPECT_EQ(already->status, RegistryStatus::already_replaced);
  EXPECT_EQ(already->detail, "N1");

  // Every corruption of a good reply: a field short or long, an unknown status, a bad flag or
  // seq, an issued badge without id or category.
  std::vector<std::vector<std::string>> bad;
  const auto good = issued_reply();
  for (std::size_t n = 0; n < good.size(); ++n) {
    bad.emplace_back(good.begin(), good.begin() + static_cast<long>(n));
  }
  auto longer = issued_reply();
  longer.push_back("x");
  bad.push_back(longer);
  for (const auto& [index, value] :
       std::vector<std::pair<std::size_t, std::string>>{{0, "accepted"},
                                                        {0, ""},
                                                        {1, "2"},
                                                        {1, ""},
                                                        {13, "x"},
                                                        {13, ""},
                                                        {13, "1e3"},
                                                        {2, ""},
                                                        {4, ""}}) {
    auto reply = issued_reply();
    reply[index] = value;
    bad.push_back(reply);
  }
  for (const auto& reply : bad) EXPECT_FALSE(registry_answer_from_reply(reply)) << reply.size();
}

TEST(DeskRegistryTest, MadeBadgeIdsAreValidUnambiguousAndSpreadOut) {
  std::mt19937_64 random(42);
  std::set<std::string> seen;
  for (int i = 0; i < 20000; ++i) {
    const auto id = make_badge_id(kWalkInPrefix, random());
    ASSERT_EQ(id.size(), 10u);
    ASSERT_TRUE(id.starts_with("W-"));
    ASSERT_TRUE(is_valid_badge_id(id)) << id;
    ASSERT_EQ(id.find_first_of("0189", 2), std::string::npos) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 20000u);
  // Every one of the 40 bits matters.
  for (int bit = 0; bit < 40; ++bit) {
    EXPECT_NE(make_badge_id("R-", 0), make_badge_id("R-", std::uint64_t{1} << bit)) << bit;
  }
  EXPECT_EQ(make_badge_id("R-", 0), "R-AAAAAAAA");
  EXPECT_EQ(make_badge_id("R-", (std::uint64_t{1} << 40) - 1), "R-77777777");
}

}  // namespace
}  // namespace rollcall::services::registry
