#include "services/print/text_fit.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace rollcall::services::print {
namespace {

const std::vector<std::string> kPieces = {"Zoë ", "Nguyễn ", "Łukasz ", "محمد ",      "الهاشمي ",
                                          "张",   "秀英",    "Ольга ",  "Кузнецова ", "Ångström-"};

TEST(TextFit, ShortTextTakesTheLargestSizeOnOneLine) {
  const TextStyle style{30, 10, 3, true};
  for (const std::string text : {"Li Na", "ليلى", "王芳", "Олег"}) {
    const auto fit = fit_text(text, 260, 100, style);
    EXPECT_TRUE(fit.fits) << text;
    EXPECT_DOUBLE_EQ(fit.font_size, 30) << text;
    EXPECT_EQ(fit.lines, 1) << text;
  }
}

TEST(TextFit, GeneratedTextOfEveryLengthShrinksButEveryMarkStaysInItsBox) {
  std::mt19937 rng(1414);
  const TextStyle style{32, 12, 3, true};
  const double width = 263, height = 102;  // the A6 name box, in points
  double previous_size = 1e9;
  std::string text;
  for (int round = 0; round < 60; ++round) {
    text += kPieces[rng() % kPieces.size()];
    const auto fit = fit_text(text, width, height, style);
    ASSERT_TRUE(fit.fits) << text;
    EXPECT_GE(fit.ink_left, 0) << text;
    EXPECT_LE(fit.ink_right, width) << text;
    EXPECT_GE(fit.ink_top, 0) << text;
    EXPECT_LE(fit.ink_bottom, height) << text;
    if (fit.font_size >= style.min_size) {
      EXPECT_LE(fit.lines, style.max_lines) << text;
    }
    // Longer text never gets a larger size (5% steps; line breaks may differ by one step).
    EXPECT_LE(fit.font_size, previous_size * 1.06) << text;
    previous_size = fit.font_size;
  }
  EXPECT_LT(previous_size, style.max_size);  // the long end did have to shrink
}

TEST(TextFit, AnUnbreakableWordIsBrokenBetweenCharactersNotCut) {
  const std::string word(64, 'W');
  const auto fit = fit_text(word, 140, 42, TextStyle{16, 7, 2, true});
  EXPECT_TRUE(fit.fits);
  EXPECT_LE(fit.ink_right, 140);
  EXPECT_GE(fit.ink_left, 0);
}

}  // namespace
}  // namespace rollcall::services::print
