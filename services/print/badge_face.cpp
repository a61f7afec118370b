#include "services/print/badge_face.h"

#include <algorithm>

#include "services/registry/utf8.h"

namespace rollcall::services::print {
namespace {

constexpr std::size_t kMaxPrinted = 1024;  // bytes of one field; validation allows 200

std::string printable(const std::string& text) {
  return registry::quote_input(text, kMaxPrinted);
}

}  // namespace

std::pair<std::string, std::string> code_validity(const v1::Event& event) {
  const auto& days = event.days();
  if (days.empty()) return {};
  return {*std::min_element(days.begin(), days.end()), *std::max_element(days.begin(), days.end())};
}

BadgeFace badge_face(const v1::Badge& badge, const v1::Event& event,
                     const registry::CountryCodes& countries, std::string code) {
  BadgeFace face;
  face.badge_id = printable(badge.badge_id());
  face.name = printable(badge.name());
  face.organization = printable(badge.organization());
  if (const auto country = countries.normalize(badge.country())) {
    face.country_code = *country;
    face.country_name = countries.name(*country);
  } else {
    face.country_code = printable(badge.country());
  }
  face.category_label = printable(badge.category());
  face.category_position = static_cast<std::size_t>(event.categories_size());
  for (int i = 0; i < event.categories_size(); ++i) {
    const auto& category = event.categories(i);
    if (category.id() != badge.category()) continue;
    face.category_position = static_cast<std::size_t>(i);
    if (!category.label().empty()) face.category_label = printable(category.label());
    break;
  }
  face.event_name = printable(event.name().empty() ? event.event_id() : event.name());
  face.code = std::move(code);
  return face;
}

}  // namespace rollcall::services::print
