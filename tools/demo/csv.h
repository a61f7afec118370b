#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rollcall::tools::demo {

// One RFC 4180 row, CRLF-free: fields with a comma, quote or line break are quoted.
std::string csv_row(const std::vector<std::string>& fields);

// All rows of an RFC 4180 text (quoted fields may hold commas, quotes and line breaks).
std::vector<std::vector<std::string>> parse_csv(std::string_view text);

}  // namespace rollcall::tools::demo
