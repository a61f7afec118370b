#include "services/registry/utf8.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

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

TEST(Utf8, QuotesShortValidInputWhole) {
  EXPECT_EQ(quote_input(""), "");
  EXPECT_EQ(quote_input("RC25-000001"), "RC25-000001");
  EXPECT_EQ(quote_input("محمد العربي"), "محمد العربي");
}

TEST(Utf8, QuotesAtMostTheLimitAndMarksTheCut) {
  const std::string long_input(10'000, 'x');
  const auto quoted = quote_input(long_input);
  EXPECT_EQ(quoted, std::string(kMaxQuoted, 'x') + "\xE2\x80\xA6");
  EXPECT_EQ(quote_input(std::string(kMaxQuoted, 'y')), std::string(kMaxQuoted, 'y'));
}

TEST(Utf8, CutsAtACharacterBoundary) {
  std::string arabic;
  for (int i = 0; i < 100; ++i) arabic += "م";  // 2 bytes each
  const auto quoted = quote_input(arabic, 5);
  EXPECT_EQ(quoted, "مم\xE2\x80\xA6");
  EXPECT_TRUE(is_valid_utf8(quoted));
}

TEST(Utf8, ReplacesBrokenBytes) {
  EXPECT_EQ(quote_input("Jos\xE9"), "Jos\xEF\xBF\xBD");
  EXPECT_EQ(quote_input("\xFF\xFEok"), "\xEF\xBF\xBD\xEF\xBF\xBDok");
  EXPECT_EQ(quote_input("a\xC0\xAF"
                        "b"),
            "a\xEF\xBF\xBD\xEF\xBF\xBD"
            "b");
}

TEST(Utf8, AnyBytesQuoteAsBoundedValidUtf8) {
  // Every short byte string, and long runs of each byte: always valid, never over the limit + "…".
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; b += 7) {
      const std::string input{static_cast<char>(a), static_cast<char>(b), static_cast<char>(a)};
      const auto quoted = quote_input(input, 4);
      EXPECT_TRUE(is_valid_utf8(quoted)) << a << "," << b;
      EXPECT_LE(quoted.size(), 4u + 3u);
    }
    const auto quoted = quote_input(std::string(1000, static_cast<char>(a)));
    EXPECT_TRUE(is_valid_utf8(quoted)) << a;
    EXPECT_LE(quoted.size(), kMaxQuoted + 3u) << a;
  }
}

TEST(Utf8, QuotesForALogLineWithoutItsControlBytes) {
  EXPECT_EQ(quote_for_log("محمد"), "محمد");
  EXPECT_EQ(quote_for_log("a\nFORGED line\r\x1b[2J\x7f\t"),
            "a\\x0aFORGED line\\x0d\\x1b[2J\\x7f\\x09");
  // A client's own "\x0a" cannot pass for an escaped newline.
  EXPECT_EQ(quote_for_log("a\\x0a"), "a\\x5cx0a");
  // Bidirectional controls (a viewer would reorder the line) and C1 controls (a terminal acts
  // on CSI, U+009B) are escaped byte by byte; other text, Arabic and Hebrew included, is not.
  EXPECT_EQ(quote_for_log("x\u202e\u2066y\u200fz\u061c"),
            "x\\xe2\\x80\\xae\\xe2\\x81\\xa6y\\xe2\\x80\\x8fz\\xd8\\x9c");
  EXPECT_EQ(quote_for_log("\u009b2J\u0085"), "\\xc2\\x9b2J\\xc2\\x85");
  EXPECT_EQ(quote_for_log("שלום — \u200d é"), "שלום — \u200d é");
  // Any bytes: valid UTF-8, no byte below 0x20 nor 0x7f, at most 4 bytes per quoted byte + "…".
  std::mt19937 random(5);
  for (int i = 0; i < 2000; ++i) {
    std::string text(std::uniform_int_distribution<std::size_t>(0, 600)(random), '\0');
    for (auto& c : text) c = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(random));
    const auto quoted = quote_for_log(text, 100);
    EXPECT_TRUE(is_valid_utf8(quoted));
    EXPECT_LE(quoted.size(), 4u * 100u + 3u);
    std::size_t backslashes = 0;
    for (const unsigned char c : quoted) {
      ASSERT_TRUE(c >= 0x20 && c != 0x7f) << quoted;
      if (c == '\\') ++backslashes;
    }
    for (const auto* control : {"\u202e", "\u2066", "\u200f", "\u061c", "\u009b"}) {
      ASSERT_EQ(quoted.find(control), std::string::npos) << quoted;
    }
    // Every backslash starts an escape: "\xHH".
    std::size_t escapes = 0;
    for (auto at = quoted.find("\\x"); at != std::string::npos; at = quoted.find("\\x", at + 1)) {
      ++escapes;
    }
    EXPECT_EQ(backslashes, escapes) << quoted;
  }
}

}  // namespace
}  // namespace rollcall::services::registry
