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
  struct Counter {
    std::uint32_t at = 0;  // its name in `names`
    std::uint32_t size = 0;
    std::int64_t value = 0;
  };

  std::uint64_t seq = 0;
  std::vector<Counter> set;
  std::vector<std::string> unset;
  // The names of `set` end to end: one buffer, reused from notice to notice by the hub (a notice
  // per scan), instead of a string per counter.
  std::string names;

  std::string_view name(const Counter& counter) const {
    return std::string_view(names).substr(counter.at, counter.size);
  }
  void clear();
};

// Reads `payload` into `notice` (cleared first, its storage kept); false if it is not a notice.
bool parse_change_notice(std::string_view payload, ChangeNotice* notice);
std::optional<ChangeNotice> parse_change_notice(std::string_view payload);

}  // namespace rollcall::services::totals
