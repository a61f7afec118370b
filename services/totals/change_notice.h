#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rollcall::services::totals {

using Counters = std::vector<std::pair<std::string, std::int64_t>>;

// What a Redis Function publishes after a change: {"seq":N,"set":{"counter":value,...}}, with
// "unset":["counter",...] when counters were removed (a forgotten desk). Values are absolute, so
// applying a notice twice is harmless; seq orders them.
struct ChangeNotice {
  std::uint64_t seq = 0;
  Counters set;
  std::vector<std::string> unset;
};

std::optional<ChangeNotice> parse_change_notice(std::string_view payload);

}  // namespace rollcall::services::totals
