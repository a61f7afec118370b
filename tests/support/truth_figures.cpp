#include "tests/support/truth_figures.h"

#include <chrono>
#include <fstream>
#include <sstream>

#include <date/tz.h>

namespace rollcall::tests::support {

boost::json::object read_json(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return boost::json::parse(text.str()).as_object();
}

std::int64_t figure(const boost::json::object& o, std::string_view name) {
  const auto* value = o.if_contains(name);
  return value ? value->as_int64() : 0;
}

Tally tally(const boost::json::object& o, std::string_view name) {
  Tally result;
  if (const auto* value = o.if_contains(name)) {
    for (const auto& [key, count] : value->as_object()) {
      if (count.as_int64() != 0) result[std::string(key)] = count.as_int64();
    }
  }
  return result;
}

Tally tally(const google::protobuf::Map<std::string, std::int32_t>& map) {
  Tally result;
  for (const auto& [key, count] : map) {
    if (count != 0) result[key] = count;
  }
  return result;
}

std::string describe(const Tally& t) {
  std::string text = "{";
  for (const auto& [key, count] : t) text += "\"" + key + "\":" + std::to_string(count) + ",";
  return text + "}";
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

std::string today_in(const char* time_zone) {
  const auto local = date::locate_zone(time_zone)->to_local(std::chrono::system_clock::now());
  return date::format("%F", date::floor<date::days>(local));
}

}  // namespace rollcall::tests::support
