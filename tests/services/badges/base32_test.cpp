#include "services/badges/base32.h"

#include <random>

#include <gtest/gtest.h>

namespace rollcall::services::badges {
namespace {

TEST(Base32Test, EncodesTheRfc4648VectorsWithoutPadding) {
  EXPECT_EQ(base32_encode(""), "");
  EXPECT_EQ(base32_encode("f"), "MY");
  EXPECT_EQ(base32_encode("fo"), "MZXQ");
  EXPECT_EQ(base32_encode("foo"), "MZXW6");
  EXPECT_EQ(base32_encode("foob"), "MZXW6YQ");
  EXPECT_EQ(base32_encode("fooba"), "MZXW6YTB");
  EXPECT_EQ(base32_encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(base32_encode(std::string("\xff\x00", 2)), "74AA");
}

TEST(Base32Test, DecodesWhatItEncodesForEveryLength) {
  std::mt19937 random(7);
  for (std::size_t length = 0; length < 80; ++length) {
    std::string bytes(length, '\0');
    for (auto& b : bytes) b = static_cast<char>(random());
    const auto text = base32_encode(bytes);
    const auto back = base32_decode(text);
    ASSERT_TRUE(back) << length;
    EXPECT_EQ(*back, bytes) << length;
  }
}

TEST(Base32Test, RefusesEverythingAnEncoderDoesNotWrite) {
  EXPECT_FALSE(base32_decode("mzxw6"));     // lower case
  EXPECT_FALSE(base32_decode("MY======"));  // padding
  EXPECT_FALSE(base32_decode("MZXW6 "));    // stray character
  EXPECT_FALSE(base32_decode("MZXW1"));     // '1' is not in the alphabet
  EXPECT_FALSE(base32_decode("M"));         // lengths 1, 3, 6 mod 8 cannot occur
  EXPECT_FALSE(base32_decode("MZX"));
  EXPECT_FALSE(base32_decode("MZXW6YT"));
  EXPECT_FALSE(base32_decode("MZ"));  // "MY" is 'f'; "MZ" only differs in padding bits
  EXPECT_FALSE(base32_decode(std::string("MY\0", 3)));
  EXPECT_TRUE(base32_decode("MY"));
}

}  // namespace
}  // namespace rollcall::services::badges
