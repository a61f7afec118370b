#include "tools/scenario/country_list.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <boost/json.hpp>

namespace rollcall::tools::scenario {

CountryList CountryList::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read the ISO 3166-1 list " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str());
}

CountryList CountryList::parse(std::string_view json) {
  boost::system::error_code ec;
  const auto root = boost::json::parse(json, ec);
  const auto* list = !ec && root.is_object() ? root.get_object().if_contains("3166-1") : nullptr;
  if (!list || !list->is_array()) {
    throw std::runtime_error("the ISO 3166-1 list is not in the iso-codes JSON format");
  }
  CountryList result;
  for (const auto& entry : list->get_array()) {
    if (!entry.is_object()) continue;
    const auto& o = entry.get_object();
    const auto* code = o.if_contains("alpha_2");
    const auto* name = o.if_contains("common_name");
    if (!name) name = o.if_contains("name");
    if (!code || !code->is_string() || code->get_string().size() != 2) continue;
    result.countries_.push_back(
        {std::string(code->get_string()),
         name && name->is_string() ? std::string(name->get_string()) : std::string()});
  }
  if (result.countries_.empty()) throw std::runtime_error("the ISO 3166-1 list is empty");
  return result;
}

const Country* CountryList::find(std::string_view code) const {
  const auto it = std::find_if(countries_.begin(), countries_.end(),
                               [&](const Country& c) { return c.code == code; });
  return it == countries_.end() ? nullptr : &*it;
}

}  // namespace rollcall::tools::scenario
