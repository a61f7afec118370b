#pragma once

#include <cstddef>
#include <string_view>

namespace rollcall::services::print {

struct Rgb {
  double r = 0, g = 0, b = 0;  // 0..1, sRGB
};

// The category band's colour. The palette is Okabe and Ito's eight colours ("Color Universal
// Design", 2008), chosen to stay distinct under the common colour-vision deficiencies, in this
// fixed order: orange E69F00, sky blue 56B4E9, bluish green 009E73, yellow F0E442, blue 0072B2,
// vermillion D55E00, reddish purple CC79A7, black 000000. A category takes the colour of its
// position in the event's categories (the 9th takes the 1st colour again); the band always
// carries the category's label too, so colour is never the only cue.
inline constexpr std::size_t kPaletteSize = 8;
Rgb band_colour(std::size_t category_position);
// "#E69F00": the palette entry in hex, for documentation and tests.
std::string_view band_colour_hex(std::size_t category_position);

// Black or white, whichever contrasts more with `background` (WCAG 2 relative luminance).
Rgb text_colour_on(Rgb background);
// The WCAG 2 contrast ratio of two colours, 1 to 21.
double contrast_ratio(Rgb a, Rgb b);

}  // namespace rollcall::services::print
