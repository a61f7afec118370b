#include "services/totals/change_notice.h"

#include <array>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace rollcall::services::totals {

std::optional<ChangeNotice> parse_change_notice(std::string_view payload) {
  // The hub parses one notice per scan: a scan's notice (a dozen counters) fits this buffer, so
  // the parse itself allocates nothing; a larger one spills to the heap.
  std::array<unsigned char, 4096> buffer;
  boost::json::monotonic_resource resource(buffer.data(), buffer.size());
  boost::system::error_code ec;
  const auto value = boost::json::parse(payload, ec, &resource);
  if (ec || !value.is_object()) return std::nullopt;
  const auto& object = value.get_object();
  const auto* seq = object.if_contains("seq");
  const auto* set = object.if_contains("set");
  if (!seq || !seq->is_int64() || seq->get_int64() < 0) return std::nullopt;
  ChangeNotice notice{.seq = static_cast<std::uint64_t>(seq->get_int64())};
  // cjson writes an empty table as {} (object) but may also write [] for it.
  if (set && set->is_object()) {
    for (const auto& [name, count] : set->get_object()) {
      if (!count.is_int64()) return std::nullopt;
      notice.set.emplace_back(std::string(name), count.get_int64());
    }
  } else if (set && !(set->is_array() && set->get_array().empty())) {
    return std::nullopt;
  }
  if (const auto* unset = object.if_contains("unset")) {
    // Again {} or [] when empty.
    if (unset->is_array()) {
      for (const auto& name : unset->get_array()) {
        if (!name.is_string()) return std::nullopt;
        notice.unset.emplace_back(name.get_string());
      }
    } else if (!(unset->is_object() && unset->get_object().empty())) {
      return std::nullopt;
    }
  }
  return notice;
}

}  // namespace rollcall::services::totals
