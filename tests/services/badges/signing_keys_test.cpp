#include "services/badges/signing_keys.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "services/badges/badge_code.h"
#include "services/badges/key_pair.h"

namespace rollcall::services::badges {
namespace {

namespace fs = std::filesystem;

class SigningKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() /
        ("signing_keys_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const auto path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  fs::path dir_;
};

TEST_F(SigningKeysTest, CodesVerifyWithThePublicHalfAndOnlyForTheirEvent) {
  const auto a = generate_key_pair();
  const auto b = generate_key_pair();
  std::string error;
  const auto keys = SigningKeys::load(
      {write("a.key", format_key_file("wsis", a)), write("b.key", format_key_file("aiforgood", b))},
      &error);
  ASSERT_TRUE(keys) << error;
  EXPECT_TRUE(keys->holds("wsis"));
  EXPECT_FALSE(keys->holds("other"));
  EXPECT_EQ(keys->key_id("wsis"), a.key_id);
  EXPECT_EQ(keys->code_for("other", "B1"), std::nullopt);

  const auto lookup = [&](std::string_view key_id) -> std::optional<v1::BadgeKey> {
    for (const auto* pair : {&a, &b}) {
      if (pair->key_id != key_id) continue;
      v1::BadgeKey key;
      key.set_key_id(pair->key_id);
      key.set_public_key(pair->public_key);
      return key;
    }
    return std::nullopt;
  };
  for (const std::string badge : {"B1", "walk-in.0001", "X:Y_z-9"}) {
    const auto code = keys->code_for("wsis", badge, "2025-07-08", "2025-07-11");
    ASSERT_TRUE(code);
    const auto check = verify_badge_code(*code, "wsis", lookup);
    EXPECT_EQ(check.status, CodeStatus::ok) << *code;
    EXPECT_EQ(check.claim.badge_id, badge);
    EXPECT_EQ(check.claim.first_day, "2025-07-08");
    EXPECT_EQ(check.claim.last_day, "2025-07-11");
    EXPECT_EQ(verify_badge_code(*code, "aiforgood", lookup).status, CodeStatus::wrong_event);
  }
  EXPECT_THROW(keys->code_for("wsis", "B1", "2025-07-11", "2025-07-08"), std::invalid_argument);
}

TEST_F(SigningKeysTest, EveryUnusableFileIsRefusedByName) {
  const auto a = generate_key_pair();
  const auto good = write("good.key", format_key_file("wsis", a));
  const auto twin = write("twin.key", format_key_file("wsis", generate_key_pair()));
  auto text = format_key_file("wsis", a);
  text[text.size() / 2] ^= 1;
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{(dir_ / "missing.key").string()}, "missing.key"},
      {{dir_.string()}, dir_.filename().string()},
      {{write("garbage.key", "not a key\n")}, "garbage.key"},
      {{write("flipped.key", text)}, "flipped.key"},
      {{write("big.key", std::string(65 * 1024, 'a'))}, "big.key"},
      {{good, twin}, "twin.key"},
  };
  for (const auto& [paths, named] : cases) {
    std::string error;
    EXPECT_FALSE(SigningKeys::load(paths, &error)) << named;
    EXPECT_NE(error.find(named), std::string::npos) << error;
  }
  std::string error;
  const auto none = SigningKeys::load({}, &error);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->holds("wsis"));
}

}  // namespace
}  // namespace rollcall::services::badges
