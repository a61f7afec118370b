#pragma once

#include <bitset>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rollcall::services::registry {

// ISO 3166-1 alpha-2 codes, read from Debian's iso-codes data rather than typed by hand so that
// new or withdrawn codes follow the distribution.
class CountryCodes {
 public:
  static constexpr std::string_view kDefaultPath = "/usr/share/iso-codes/json/iso_3166-1.json";

  // Throws std::runtime_error with a one-line reason when the file is unreadable or not in the
  // iso-codes format ({"3166-1": [{"alpha_2": "FR", ...}, ...]}).
  static CountryCodes load(const std::string& path = std::string(kDefaultPath));
  static CountryCodes parse(std::string_view json, std::string_view source = "iso-codes data");

  // The upper-case code when `text` is a known alpha-2 code in any letter case.
  std::optional<std::string> normalize(std::string_view text) const;
  bool contains(std::string_view text) const { return normalize(text).has_value(); }
  std::size_t size() const { return codes_.count(); }
  // The country's name in English as iso-codes spells it for everyday use (its common_name when
  // it has one: "Bolivia", not "Bolivia, Plurinational State of"); empty for an unknown code.
  std::string name(std::string_view code) const;

 private:
  static std::optional<std::size_t> index(std::string_view text);

  std::bitset<26 * 26> codes_;
  std::vector<std::string> names_ = std::vector<std::string>(26 * 26);
};

}  // namespace rollcall::services::registry
