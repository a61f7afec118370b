#include "services/privacy/pseudonyms.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>

namespace rollcall::services::privacy {
namespace {

Pseudonyms::Key key_from(std::mt19937& rng) {
  Pseudonyms::Key key{};
  for (auto& byte : key) byte = static_cast<unsigned char>(rng());
  return key;
}

std::string random_id(std::mt19937& rng) {
  static const std::string kChars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-";
  // Starts with a capital, which no pseudonym or mark (lowercase hex) holds, so finding the id
  // in one would mean it leaked.
  std::string id(1 + rng() % 63, 'x');
  for (auto& c : id) c = kChars[rng() % kChars.size()];
  return "Q" + id;
}

TEST(Pseudonyms, SameIdSamePseudonymAndNoCollisionsAcrossManyIds) {
  std::mt19937 rng(15);
  const Pseudonyms names(key_from(rng));
  std::set<std::string> ids, pseudonyms;
  while (ids.size() < 20000) ids.insert(random_id(rng));
  for (const auto& id : ids) {
    const auto p = names.of(IdKind::subject, id);
    EXPECT_TRUE(is_pseudonym(p)) << p;
    EXPECT_EQ(p, names.of(IdKind::subject, id));
    EXPECT_EQ(p.find(id), std::string::npos);
    pseudonyms.insert(p);
  }
  EXPECT_EQ(pseudonyms.size(), ids.size());
}

TEST(Pseudonyms, KindsAndKeysGiveUnrelatedPseudonyms) {
  std::mt19937 rng(16);
  for (int i = 0; i < 500; ++i) {
    const Pseudonyms a(key_from(rng)), b(key_from(rng));
    const auto id = random_id(rng);
    EXPECT_NE(a.of(IdKind::subject, id), a.of(IdKind::participant, id));
    EXPECT_NE(a.of(IdKind::participant, id), a.of(IdKind::presence, id));
    EXPECT_NE(a.of(IdKind::subject, id), b.of(IdKind::subject, id));
  }
}

TEST(Pseudonyms, APseudonymIsItsOwnPseudonymSoARewriteAppliedTwiceIsAppliedOnce) {
  std::mt19937 rng(17);
  const Pseudonyms names(key_from(rng));
  for (int i = 0; i < 1000; ++i) {
    const auto once = names.of(IdKind::subject, random_id(rng));
    EXPECT_EQ(names.of(IdKind::subject, once), once);
    EXPECT_EQ(names.of(IdKind::participant, once), once);
  }
}

TEST(Pseudonyms, ShapeOfAPseudonym) {
  EXPECT_TRUE(is_pseudonym("anon-0123456789abcdef0123"));
  for (const char* not_one : {"anon-0123456789abcdef012", "anon-0123456789abcdef01234",
                              "anon-0123456789ABCDEF0123", "anon_0123456789abcdef0123",
                              "xnon-0123456789abcdef0123", "anon-0123456789abcdef012g", ""}) {
    EXPECT_FALSE(is_pseudonym(not_one)) << not_one;
  }
}

TEST(Pseudonyms, KeysRoundTripThroughHexAndBadHexIsRefused) {
  std::mt19937 rng(18);
  for (int i = 0; i < 200; ++i) {
    const auto key = key_from(rng);
    const auto hex = Pseudonyms::key_to_hex(key);
    EXPECT_EQ(hex.size(), 64u);
    EXPECT_EQ(Pseudonyms::key_from_hex(hex), key);
  }
  EXPECT_THROW(Pseudonyms::key_from_hex("abc"), std::invalid_argument);
  EXPECT_THROW(Pseudonyms::key_from_hex(std::string(64, 'g')), std::invalid_argument);
  EXPECT_NE(Pseudonyms::random_key(), Pseudonyms::random_key());
}

TEST(ErasedMark, DependsOnEventAndIdAndHidesBoth) {
  std::mt19937 rng(19);
  std::set<std::string> marks;
  for (int i = 0; i < 2000; ++i) {
    const auto id = random_id(rng);
    const auto mark = erased_mark("ev", id);
    EXPECT_EQ(mark.size(), 64u);
    EXPECT_EQ(mark, erased_mark("ev", id));
    EXPECT_NE(mark, erased_mark("ev2", id));
    EXPECT_EQ(mark.find(id), std::string::npos);
    marks.insert(mark);
  }
  EXPECT_GT(marks.size(), 1900u);  // ids may repeat; marks of different ids never do
}

}  // namespace
}  // namespace rollcall::services::privacy
