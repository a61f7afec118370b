#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace rollcall::services::registry {

// Offset of the first byte that breaks UTF-8 (overlong forms, surrogates and code points above
// U+10FFFF included), or nullopt when the whole text is well-formed UTF-8.
std::optional<std::size_t> first_invalid_utf8(std::string_view text);

inline bool is_valid_utf8(std::string_view text) {
  return !first_invalid_utf8(text);
}

// How much of a client's input a reply or a log line may quote.
inline constexpr std::size_t kMaxQuoted = 128;

// Client input as a reply may quote it: at most max_bytes of it, cut at a character boundary
// and marked with "…" when cut, each byte that breaks UTF-8 replaced by U+FFFD, so an echo is
// always valid UTF-8 and never larger than about max_bytes whatever the client sent.
std::string quote_input(std::string_view text, std::size_t max_bytes = kMaxQuoted);

// For a plain-text log line: quote_input(), then each control byte and backslash written as
// \xHH, so the text can neither break the line, forge another, nor pass for an escape
// (at most 4 × max_bytes + 3 bytes).
std::string quote_for_log(std::string_view text, std::size_t max_bytes = kMaxQuoted);

}  // namespace rollcall::services::registry
