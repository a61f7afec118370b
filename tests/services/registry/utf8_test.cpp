#include "services/registry/utf8.h"

#include <gtest/gtest.h>

namespace rollcall::services::registry {
namespace {

TEST(Utf8, AcceptsEveryScript) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("محمد العربي"));
  EXPECT_TRUE(is_valid_utf8("张伟"));
  EXPECT_TRUE(is_valid_utf8("Zoë 🎉👩🏽‍💻"));
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
}

TEST(Utf8, FindsTheFirstBadByte) {
  EXPECT_EQ(first_invalid_utf8("ab\xFF"), 2u);
  EXPECT_EQ(first_invalid_utf8("Jos\xE9"), 3u);           // Latin-1 é
  EXPECT_EQ(first_invalid_utf8("\xC0\xAF"), 0u);          // overlong '/'
  EXPECT_EQ(first_invalid_utf8("\xE0\x80\xAF"), 0u);      // overlong, 3 bytes
  EXPECT_EQ(first_invalid_utf8("x\xED\xA0\x80"), 1u);     // UTF-16 surrogate
  EXPECT_EQ(first_invalid_utf8("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(first_invalid_utf8("\xE4\xB8"), 0u);          // truncated
  EXPECT_EQ(first_invalid_utf8("\x80"), 0u);              // lone continuation byte
}

}  // namespace
}  // namespace rollcall::services::registry
