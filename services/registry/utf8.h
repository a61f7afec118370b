#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace rollcall::services::registry {

// Offset of the first byte that breaks UTF-8 (overlong forms, surrogates and code points above
// U+10FFFF included), or nullopt when the whole text is well-formed UTF-8.
std::optional<std::size_t> first_invalid_utf8(std::string_view text);

inline bool is_valid_utf8(std::string_view text) {
  return !first_invalid_utf8(text);
}

}  // namespace rollcall::services::registry
