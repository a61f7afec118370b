#pragma once

#include <string_view>

using PangoLayout = struct _PangoLayout;

namespace rollcall::services::print {

// How a piece of badge text is set: the largest size from max_size down to min_size (points)
// at which it fits its box in at most max_lines lines; past min_size, as many lines as needed
// at smaller sizes still, so a name is shrunk but never cut.
struct TextStyle {
  double max_size = 12;
  double min_size = 6;
  int max_lines = 1;
  bool bold = false;
};

// Where the text ended up, in points relative to the box's top left corner.
struct TextFit {
  double font_size = 0;
  int lines = 0;
  double offset_y = 0;  // where the layout's top goes so that its lines are centred vertically
  double ink_left = 0, ink_top = 0, ink_right = 0, ink_bottom = 0;  // every mark drawn
  bool fits = false;  // every mark inside the box (false only for text that fits at no size)
};

// The fonts every badge asks for: fontconfig falls back along the list per character, and
// pango shapes each run with HarfBuzz (Arabic joined and right to left, CJK, Cyrillic, Latin
// with any diacritics).
inline constexpr std::string_view kBadgeFonts = "Noto Sans, Noto Sans Arabic, Noto Sans CJK SC";

// Measures `text` in a box of width x height points (72 points per inch): the size it gets
// and where its ink lies. Thread-safe: each thread has its own pango context.
TextFit fit_text(std::string_view text, double width, double height, const TextStyle& style);

// A layout of `text` at `fit.font_size`, `width` points wide, centred; the caller owns it
// (g_object_unref) and draws it with pango_cairo_show_layout at (box x, box y + fit.offset_y).
PangoLayout* fitted_layout(std::string_view text, double width, const TextStyle& style,
                           const TextFit& fit);

}  // namespace rollcall::services::print
