#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rollcall::services::badges {

// Days as a badge code carries them: days since 1970-01-01 in 16 bits, 0 and 0xFFFF meaning
// "unbounded". So the days a badge can name run from 1970-01-02 to 2149-06-05.
inline constexpr int kFirstCodableDay = 1;
inline constexpr int kLastCodableDay = 0xFFFE;

// "YYYY-MM-DD" (exactly that shape, a real calendar date) -> days since 1970-01-01.
std::optional<int> parse_day(std::string_view text);

// Days since 1970-01-01 -> "YYYY-MM-DD".
std::string format_day(int days);

}  // namespace rollcall::services::badges
