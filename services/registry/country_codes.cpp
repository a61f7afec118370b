#include "services/registry/country_codes.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <boost/json.hpp>

namespace rollcall::services::registry {

namespace {
int letter(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a';
  return -1;
}
}  // namespace

std::optional<std::size_t> CountryCodes::index(std::string_view text) {
  if (text.size() != 2) return std::nullopt;
  const int a = letter(text[0]), b = letter(text[1]);
  if (a < 0 || b < 0) return std::nullopt;
  return static_cast<std::size_t>(a * 26 + b);
}

CountryCodes CountryCodes::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read country codes from " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

CountryCodes CountryCodes::parse(std::string_view json, std::string_view source) {
  const std::string where(source);
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(json, ec);
  if (ec) throw std::runtime_error(where + " is not valid JSON: " + ec.message());
  const auto* root = doc.if_object();
  const auto* list = root ? root->if_contains("3166-1") : nullptr;
  if (!list || !list->is_array()) {
    throw std::runtime_error(where + " has no \"3166-1\" list of countries");
  }
  CountryCodes codes;
  for (const auto& entry : list->get_array()) {
    const auto* object = entry.if_object();
    const auto* alpha2 = object ? object->if_contains("alpha_2") : nullptr;
    const auto* text = alpha2 ? alpha2->if_string() : nullptr;
    const auto i = text ? index(*text) : std::nullopt;
    if (!i) throw std::runtime_error(where + " has an entry without a two-letter \"alpha_2\"");
    codes.codes_.set(*i);
    for (const char* field : {"common_name", "name"}) {
      const auto* words = object->if_contains(field);
      if (words && words->is_string() && !words->get_string().empty()) {
        codes.names_[*i] = std::string(words->get_string());
        break;
      }
    }
  }
  if (codes.codes_.none()) throw std::runtime_error(where + " lists no countries");
  return codes;
}

std::optional<std::string> CountryCodes::normalize(std::string_view text) const {
  const auto i = index(text);
  if (!i || !codes_.test(*i)) return std::nullopt;
  return std::string{static_cast<char>('A' + *i / 26), static_cast<char>('A' + *i % 26)};
}

std::string CountryCodes::name(std::string_view code) const {
  const auto i = index(code);
  return i && codes_.test(*i) ? names_[*i] : std::string();
}

}  // namespace rollcall::services::registry
