#include "services/print/badge_palette.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace rollcall::services::print {
namespace {

TEST(BadgePalette, EightDistinctOkabeItoColoursInTheDocumentedOrderThenAgain) {
  const std::string documented[] = {"#E69F00", "#56B4E9", "#009E73", "#F0E442",
                                    "#0072B2", "#D55E00", "#CC79A7", "#000000"};
  std::set<std::string> seen;
  for (std::size_t i = 0; i < 3 * kPaletteSize; ++i) {
    EXPECT_EQ(band_colour_hex(i), documented[i % kPaletteSize]) << i;
    seen.insert(std::string(band_colour_hex(i)));
    const auto c = band_colour(i);
    const auto hex = std::string(band_colour_hex(i));
    EXPECT_NEAR(c.r * 255, std::stoi(hex.substr(1, 2), nullptr, 16), 1e-9) << hex;
    EXPECT_NEAR(c.g * 255, std::stoi(hex.substr(3, 2), nullptr, 16), 1e-9) << hex;
    EXPECT_NEAR(c.b * 255, std::stoi(hex.substr(5, 2), nullptr, 16), 1e-9) << hex;
  }
  EXPECT_EQ(seen.size(), kPaletteSize);
}

TEST(BadgePalette, TheLabelOnEveryBandIsReadable) {
  // WCAG AA for normal text: 4.5:1. The label is bold and large, which needs only 3:1.
  for (std::size_t i = 0; i < kPaletteSize; ++i) {
    const auto band = band_colour(i);
    const auto text = text_colour_on(band);
    EXPECT_GE(contrast_ratio(band, text), 4.5) << band_colour_hex(i);
  }
}

TEST(BadgePalette, ContrastRatioMatchesWcagExamples) {
  EXPECT_NEAR(contrast_ratio({0, 0, 0}, {1, 1, 1}), 21.0, 1e-9);
  EXPECT_NEAR(contrast_ratio({1, 1, 1}, {1, 1, 1}), 1.0, 1e-9);
  // #777777 on white is the classic 4.48:1 just under AA.
  const double grey = 0x77 / 255.0;
  EXPECT_NEAR(contrast_ratio({grey, grey, grey}, {1, 1, 1}), 4.48, 0.01);
}

}  // namespace
}  // namespace rollcall::services::print
