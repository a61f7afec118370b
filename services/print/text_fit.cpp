#include "services/print/text_fit.h"

#include <pango/pangocairo.h>

#include <algorithm>
#include <memory>
#include <string>

namespace rollcall::services::print {
namespace {

constexpr double kShrink = 0.95;         // each try is 5% smaller than the last
constexpr double kSmallestReadable = 3;  // points; below this nothing is printed legibly
constexpr double kOneLineFloor = 0.7;    // of the largest size, for a name on one line

struct Unref {
  void operator()(void* object) const { g_object_unref(object); }
};

// One pango context per thread (pango objects are not shared across threads), set up as the PDF
// surface draws: 72 units per inch, no hinting, so what is measured here is what is printed.
PangoContext* thread_context() {
  thread_local std::unique_ptr<PangoContext, Unref> context = [] {
    PangoFontMap* map = pango_cairo_font_map_get_default();
    std::unique_ptr<PangoContext, Unref> made(pango_font_map_create_context(map));
    pango_cairo_context_set_resolution(made.get(), 72);
    cairo_font_options_t* options = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(made.get(), options);
    cairo_font_options_destroy(options);
    return made;
  }();
  return context.get();
}

PangoLayout* make_layout(std::string_view text, double width, bool bold, double size) {
  PangoLayout* layout = pango_layout_new(thread_context());
  pango_layout_set_text(layout, text.data(), static_cast<int>(text.size()));
  PangoFontDescription* font = pango_font_description_from_string(std::string(kBadgeFonts).c_str());
  pango_font_description_set_weight(font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_absolute_size(font, size * PANGO_SCALE);
  pango_layout_set_font_description(layout, font);
  pango_font_description_free(font);
  pango_layout_set_width(layout, static_cast<int>(width * PANGO_SCALE));
  pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER);
  pango_layout_set_auto_dir(layout, TRUE);  // an Arabic name is a right-to-left paragraph
  // A name broken inside a word must not gain a hyphen it does not have.
  PangoAttrList* attributes = pango_attr_list_new();
  pango_attr_list_insert(attributes, pango_attr_insert_hyphens_new(FALSE));
  pango_layout_set_attributes(layout, attributes);
  pango_attr_list_unref(attributes);
  return layout;
}

TextFit measure(PangoLayout* layout, double height, double size) {
  TextFit fit;
  fit.font_size = size;
  fit.lines = pango_layout_get_line_count(layout);
  PangoRectangle ink, logical;
  pango_layout_get_extents(layout, &ink, &logical);
  const double logical_top = static_cast<double>(logical.y) / PANGO_SCALE;
  const double logical_height = static_cast<double>(logical.height) / PANGO_SCALE;
  fit.offset_y = (height - logical_height) / 2 - logical_top;
  fit.ink_left = static_cast<double>(ink.x) / PANGO_SCALE;
  fit.ink_right = static_cast<double>(ink.x + ink.width) / PANGO_SCALE;
  fit.ink_top = static_cast<double>(ink.y) / PANGO_SCALE + fit.offset_y;
  fit.ink_bottom = static_cast<double>(ink.y + ink.height) / PANGO_SCALE + fit.offset_y;
  return fit;
}

bool inside(const TextFit& fit, double width, double height, double logical_width) {
  return fit.ink_left >= 0 && fit.ink_right <= width && fit.ink_top >= 0 &&
         fit.ink_bottom <= height && logical_width <= width && fit.offset_y >= -1e-6;
}

}  // namespace

TextFit fit_text(std::string_view text, double width, double height, const TextStyle& style) {
  // Tries, in order: one line down to kOneLineFloor of the largest size (a name reads best
  // unbroken); up to max_lines lines down to min_size; past it, any number of lines.
  struct Pass {
    double start, floor;
    int max_lines;
  };
  const Pass passes[] = {{style.max_size, style.max_size * kOneLineFloor, 1},
                         {style.max_size, style.min_size, style.max_lines},
                         {style.min_size * kShrink, kSmallestReadable, 1 << 20}};
  TextFit last;
  for (const auto& pass : passes) {
    for (double size = pass.start; size >= pass.floor; size *= kShrink) {
      std::unique_ptr<PangoLayout, Unref> layout(make_layout(text, width, style.bold, size));
      last = measure(layout.get(), height, size);
      PangoRectangle logical;
      pango_layout_get_extents(layout.get(), nullptr, &logical);
      const double logical_right = static_cast<double>(logical.x + logical.width) / PANGO_SCALE;
      if (last.lines <= pass.max_lines && inside(last, width, height, logical_right)) {
        last.fits = true;
        return last;
      }
    }
  }
  last.fits = false;
  return last;
}

PangoLayout* fitted_layout(std::string_view text, double width, const TextStyle& style,
                           const TextFit& fit) {
  return make_layout(text, width, style.bold, fit.font_size);
}

}  // namespace rollcall::services::print
