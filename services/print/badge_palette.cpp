#include "services/print/badge_palette.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace rollcall::services::print {
namespace {

constexpr std::array<std::string_view, kPaletteSize> kHex = {
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"};

int hex_digit(char c) {
  return c <= '9' ? c - '0' : c - 'A' + 10;
}

double channel(std::string_view hex, std::size_t at) {
  return (hex_digit(hex[at]) * 16 + hex_digit(hex[at + 1])) / 255.0;
}

double linear(double c) {
  return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

double luminance(Rgb c) {
  return 0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b);
}

}  // namespace

std::string_view band_colour_hex(std::size_t category_position) {
  return kHex[category_position % kPaletteSize];
}

Rgb band_colour(std::size_t category_position) {
  const auto hex = band_colour_hex(category_position);
  return {channel(hex, 1), channel(hex, 3), channel(hex, 5)};
}

double contrast_ratio(Rgb a, Rgb b) {
  const double la = luminance(a), lb = luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

Rgb text_colour_on(Rgb background) {
  const Rgb black{0, 0, 0}, white{1, 1, 1};
  return contrast_ratio(background, black) >= contrast_ratio(background, white) ? black : white;
}

}  // namespace rollcall::services::print
