#include "tests/support/metrics_text.h"

#include <regex>

namespace rollcall::tests::support {

std::uint64_t metric_value(const std::string& exposition, const std::string& name) {
  // Every character the ECMAScript grammar gives a meaning, escaped: a label value is literal.
  const std::regex line("(^|\n)" +
                        std::regex_replace(name, std::regex(R"([.^$|()\[\]{}*+?\\"])"), R"(\$&)") +
                        " ([0-9]+)");
  std::smatch match;
  return std::regex_search(exposition, match, line) ? std::stoull(match[2]) : 0;
}

}  // namespace rollcall::tests::support
