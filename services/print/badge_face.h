#pragma once

#include <cstddef>
#include <string>
#include <utility>

#include "rollcall/v1/rollcall.pb.h"
#include "services/registry/country_codes.h"

namespace rollcall::services::print {

// Everything printed on one badge, as words.
struct BadgeFace {
  std::string badge_id;
  std::string name;
  std::string organization;
  std::string country_code;  // ISO 3166-1 alpha-2, or empty (international organizations)
  std::string country_name;  // in English from iso-codes, or empty
  std::string category_label;
  std::size_t category_position = 0;  // in the event's categories: picks the band's colour
  std::string event_name;
  std::string code;  // what the QR code holds: the signed RC1 code, or the badge id
};

// The days a printed badge's signed code is valid: the event's first and last day
// ("YYYY-MM-DD"), or empty (unbounded) when the event lists no days. The gateway and
// rollcall-admin badge print both sign with these, so a badge printed either way reads the same.
std::pair<std::string, std::string> code_validity(const v1::Event& event);

// The face of `badge` for `event`: the category's label and position from the event's
// categories (an unknown category prints its id, in the colour after the last known one), the
// country's name from `countries`, the event's name (its id when unnamed). Text that is not
// valid UTF-8 has its bad bytes replaced by U+FFFD, so pango never sees them.
BadgeFace badge_face(const v1::Badge& badge, const v1::Event& event,
                     const registry::CountryCodes& countries, std::string code);

}  // namespace rollcall::services::print
