#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "services/print/badge_face.h"
#include "services/print/text_fit.h"

namespace rollcall::services::print {

// A6: 105 x 148 mm, portrait (a badge holder's usual insert). CR80: 85.6 x 54 mm, landscape
// (an ID-1 plastic card, as card printers take them).
enum class BadgeSize { a6, cr80 };

std::optional<BadgeSize> parse_badge_size(std::string_view text);  // "a6", "cr80"
std::string_view badge_size_name(BadgeSize size);

// Millimetres to PDF points.
constexpr double mm(double millimetres) {
  return millimetres * 72.0 / 25.4;
}

struct Box {
  double x = 0, y = 0, width = 0, height = 0;  // points from the page's top left corner
};

// Where each part of a badge goes on a page of this size. Everything lies inside `margin` of
// the page's edges, where card and desktop printers cannot print.
struct BadgeLayout {
  double page_width = 0, page_height = 0, margin = 0;
  Box event, name, organization, country, qr, badge_id, band;
  TextStyle event_style, name_style, organization_style, country_style, id_style, band_style;
};
const BadgeLayout& badge_layout(BadgeSize size);

// The text set in each box of one badge (what fit_text chose), for tests and logs.
struct BadgeFits {
  TextFit event, name, organization, country, badge_id, band;
};

// One PDF, one page per badge, in order. Throws std::invalid_argument for no badges and
// std::runtime_error when cairo fails or a code does not fit a QR code. `fits`, when given,
// receives what was set for each badge.
std::string render_badges(std::span<const BadgeFace> badges, BadgeSize size,
                          std::vector<BadgeFits>* fits = nullptr);

// The line printed under the name: "France (FR)", "FR" for a code iso-codes does not name,
// empty for no country.
std::string country_line(const BadgeFace& face);

}  // namespace rollcall::services::print
