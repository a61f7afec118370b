#pragma once

#include <string>
#include <string_view>

#include "tools/scenario/random.h"

namespace rollcall::tools::scenario {

// A plausible full name for someone from `country` (alpha-2, or empty for international staff),
// written in the country's usual script: registries hold Arabic, Cyrillic, Han, Hangul,
// Devanagari, Greek, Thai, Hebrew and Ethiopic names next to Latin ones, and every tool that
// shows them must cope.
std::string person_name(std::string_view country, Random& random);

// An organization for someone of `category` from `country_name` (may be empty).
std::string organization_name(std::string_view category, std::string_view country_name,
                              Random& random);

}  // namespace rollcall::tools::scenario
