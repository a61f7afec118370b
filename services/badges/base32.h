#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rollcall::services::badges {

// RFC 4648 base32, upper case, no padding: every character is in a QR code's alphanumeric set,
// which packs 5.5 bits per character instead of 8.
std::string base32_encode(std::string_view bytes);

// Strict inverse of base32_encode: only 'A'-'Z' and '2'-'7', a length an encoder can produce,
// and unused trailing bits zero. So every byte string has exactly one accepted text, and no
// altered text decodes to the bytes of the original.
std::optional<std::string> base32_decode(std::string_view text);

}  // namespace rollcall::services::badges
