#include "services/registry/utf8.h"

#include <algorithm>

namespace rollcall::services::registry {

std::optional<std::size_t> first_invalid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    // Bounds of the second byte exclude overlong forms, surrogates and values above U+10FFFF
    // (the table of RFC 3629, section 4).
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c == 0xE0) {
      len = 3, lo = 0xA0;
    } else if (c >= 0xE1 && c <= 0xEC) {
      len = 3;
    } else if (c == 0xED) {
      len = 3, hi = 0x9F;
    } else if (c >= 0xEE && c <= 0xEF) {
      len = 3;
    } else if (c == 0xF0) {
      len = 4, lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
      len = 4;
    } else if (c == 0xF4) {
      len = 4, hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > n) return i;
    if (s[i + 1] < lo || s[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k) {
      if (s[i + k] < 0x80 || s[i + k] > 0xBF) return i;
    }
    i += len;
  }
  return std::nullopt;
}

std::string quote_input(std::string_view text, std::size_t max_bytes) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  std::string quoted;
  quoted.reserve(std::min(text.size(), max_bytes) + 3);
  while (!text.empty()) {
    const auto bad = first_invalid_utf8(text);
    const std::size_t good = bad.value_or(text.size());
    // Whole characters of the valid run, as many as still fit.
    std::size_t take = std::min(good, max_bytes - quoted.size());
    while (take < good && take > 0 && (static_cast<unsigned char>(text[take]) & 0xC0) == 0x80) {
      --take;
    }
    quoted.append(text.substr(0, take));
    if (take < good) break;
    text.remove_prefix(good);
    if (text.empty()) return quoted;
    if (quoted.size() + kReplacement.size() > max_bytes) break;
    quoted.append(kReplacement);
    text.remove_prefix(1);
  }
  if (text.empty()) return quoted;
  quoted.append("\xE2\x80\xA6");  // "…": the client sent more than this
  return quoted;
}

std::string quote_for_log(std::string_view text, std::size_t max_bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto quoted = quote_input(text, max_bytes);  // valid UTF-8 from here on
  std::string out;
  for (std::size_t i = 0; i < quoted.size();) {
    const auto lead = static_cast<unsigned char>(quoted[i]);
    const std::size_t length = lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
    char32_t point = length == 1 ? lead : lead & (0x7f >> length);
    for (std::size_t k = 1; k < length; ++k) {
      point = (point << 6) | (static_cast<unsigned char>(quoted[i + k]) & 0x3f);
    }
    // Control bytes (C0, DEL, C1: a terminal acts on them) and the bidirectional controls (a
    // viewer reorders the line around them) are escaped byte by byte, as is the backslash.
    const bool escaped = point < 0x20 || (point >= 0x7f && point <= 0x9f) || point == '\\' ||
                         point == 0x061c || point == 0x200e || point == 0x200f ||
                         (point >= 0x202a && point <= 0x202e) ||
                         (point >= 0x2066 && point <= 0x2069);
    for (std::size_t k = 0; k < length; ++k) {
      const auto byte = static_cast<unsigned char>(quoted[i + k]);
      if (escaped) {
        out += {'\\', 'x', kHex[byte >> 4], kHex[byte & 0xf]};
      } else {
        out += quoted[i + k];
      }
    }
    i += length;
  }
  return out;
}

}  // namespace rollcall::services::registry
