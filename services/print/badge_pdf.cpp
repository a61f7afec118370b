#include "services/print/badge_pdf.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include <memory>
#include <stdexcept>

#include "services/print/badge_palette.h"
#include "services/print/qr_code.h"

namespace rollcall::services::print {
namespace {

BadgeLayout make_a6() {
  BadgeLayout l;
  l.page_width = mm(105);
  l.page_height = mm(148);
  l.margin = mm(6);
  const double inner = mm(93);
  l.event = {mm(6), mm(6), inner, mm(10)};
  l.name = {mm(6), mm(18), inner, mm(36)};
  l.organization = {mm(6), mm(56), inner, mm(15)};
  l.country = {mm(6), mm(73), inner, mm(7)};
  l.qr = {mm(31.5), mm(82), mm(42), mm(42)};
  l.badge_id = {mm(6), mm(125), inner, mm(4.5)};
  l.band = {mm(6), mm(131), inner, mm(11)};
  l.event_style = {11, 7, 2, false};
  l.name_style = {32, 12, 3, true};
  l.organization_style = {14, 8, 2, false};
  l.country_style = {11, 7, 1, false};
  l.id_style = {8, 5, 1, false};
  l.band_style = {14, 7, 1, true};
  return l;
}

BadgeLayout make_cr80() {
  BadgeLayout l;
  l.page_width = mm(85.6);
  l.page_height = mm(54);
  l.margin = mm(3);
  l.event = {mm(3), mm(3), mm(79.6), mm(5)};
  l.name = {mm(3), mm(9), mm(50), mm(15)};
  l.organization = {mm(3), mm(25), mm(50), mm(8)};
  l.country = {mm(3), mm(34), mm(50), mm(5)};
  l.qr = {mm(54.6), mm(8.5), mm(28), mm(28)};
  l.badge_id = {mm(54.6), mm(36.8), mm(28), mm(3.2)};
  l.band = {mm(3), mm(41), mm(79.6), mm(10)};
  l.event_style = {7, 5, 1, false};
  l.name_style = {16, 7, 2, true};
  l.organization_style = {8, 5, 2, false};
  l.country_style = {7, 5, 1, false};
  l.id_style = {6, 4, 1, false};
  l.band_style = {10, 6, 1, true};
  return l;
}

constexpr double kBandPadding = mm(1.5);  // between the band's edge and its label
constexpr double kBandOutline = mm(0.3);  // so a yellow band still shows on white card

struct Destroy {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
  void operator()(cairo_t* c) const { cairo_destroy(c); }
  void operator()(PangoLayout* l) const { g_object_unref(l); }
};

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

TextFit draw_text(cairo_t* cr, std::string_view text, const Box& box, const TextStyle& style,
                  Rgb colour) {
  const auto fit = fit_text(text, box.width, box.height, style);
  if (text.empty()) return fit;
  std::unique_ptr<PangoLayout, Destroy> layout(fitted_layout(text, box.width, style, fit));
  cairo_save(cr);
  cairo_set_source_rgb(cr, colour.r, colour.g, colour.b);
  cairo_move_to(cr, box.x, box.y + fit.offset_y);
  pango_cairo_show_layout(cr, layout.get());
  cairo_restore(cr);
  return fit;
}

void draw_qr(cairo_t* cr, const std::string& text, const Box& box) {
  const auto code = qr_code(text);
  const int side = code.modules + 2 * kQuietZone;
  const double unit = box.width / side;
  cairo_save(cr);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_rectangle(cr, box.x, box.y, box.width, box.height);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (int y = 0; y < code.modules; ++y) {
    for (int x = 0; x < code.modules;) {
      if (!code.at(x, y)) {
        ++x;
        continue;
      }
      int end = x;
      while (end < code.modules && code.at(end, y)) ++end;  // one rectangle per dark run
      cairo_rectangle(cr, box.x + (x + kQuietZone) * unit, box.y + (y + kQuietZone) * unit,
                      (end - x) * unit, unit);
      x = end;
    }
  }
  cairo_fill(cr);
  cairo_restore(cr);
}

BadgeFits draw_badge(cairo_t* cr, const BadgeFace& face, const BadgeLayout& l) {
  const Rgb black{0, 0, 0};
  BadgeFits fits;
  fits.event = draw_text(cr, face.event_name, l.event, l.event_style, black);
  fits.name = draw_text(cr, face.name, l.name, l.name_style, black);
  fits.organization = draw_text(cr, face.organization, l.organization, l.organization_style, black);
  fits.country = draw_text(cr, country_line(face), l.country, l.country_style, black);
  draw_qr(cr, face.code, l.qr);
  fits.badge_id = draw_text(cr, face.badge_id, l.badge_id, l.id_style, black);

  const auto colour = band_colour(face.category_position);
  cairo_save(cr);
  cairo_set_source_rgb(cr, colour.r, colour.g, colour.b);
  cairo_rectangle(cr, l.band.x, l.band.y, l.band.width, l.band.height);
  cairo_fill_preserve(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, kBandOutline);
  cairo_stroke(cr);  // half the outline lies outside the band: the band sits inside the margin
  cairo_restore(cr);
  const Box label{l.band.x + kBandPadding, l.band.y + kBandPadding, l.band.width - 2 * kBandPadding,
                  l.band.height - 2 * kBandPadding};
  fits.band = draw_text(cr, face.category_label, label, l.band_style, text_colour_on(colour));
  return fits;
}

}  // namespace

std::optional<BadgeSize> parse_badge_size(std::string_view text) {
  if (text == "a6") return BadgeSize::a6;
  if (text == "cr80") return BadgeSize::cr80;
  return std::nullopt;
}

std::string_view badge_size_name(BadgeSize size) {
  return size == BadgeSize::a6 ? "a6" : "cr80";
}

const BadgeLayout& badge_layout(BadgeSize size) {
  static const BadgeLayout a6 = make_a6();
  static const BadgeLayout cr80 = make_cr80();
  return size == BadgeSize::a6 ? a6 : cr80;
}

std::string country_line(const BadgeFace& face) {
  if (face.country_code.empty()) return "";
  if (face.country_name.empty()) return face.country_code;
  return face.country_name + " (" + face.country_code + ")";
}

std::string render_badges(std::span<const BadgeFace> badges, BadgeSize size,
                          std::vector<BadgeFits>* fits) {
  if (badges.empty()) throw std::invalid_argument("no badges to print");
  const auto& layout = badge_layout(size);
  std::string pdf;
  std::unique_ptr<cairo_surface_t, Destroy> surface(
      cairo_pdf_surface_create_for_stream(append, &pdf, layout.page_width, layout.page_height));
  cairo_pdf_surface_set_metadata(
      surface.get(), CAIRO_PDF_METADATA_TITLE,
      badges.size() == 1 ? ("Badge " + badges[0].badge_id).c_str() : "Badges");
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "rollcall");
  {
    std::unique_ptr<cairo_t, Destroy> cr(cairo_create(surface.get()));
    for (const auto& face : badges) {
      const auto drawn = draw_badge(cr.get(), face, layout);
      if (fits) fits->push_back(drawn);
      cairo_show_page(cr.get());
    }
    if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
      throw std::runtime_error(std::string("cairo: ") +
                               cairo_status_to_string(cairo_status(cr.get())));
    }
  }
  cairo_surface_finish(surface.get());
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    throw std::runtime_error(std::string("cairo: ") +
                             cairo_status_to_string(cairo_surface_status(surface.get())));
  }
  return pdf;
}

}  // namespace rollcall::services::print
