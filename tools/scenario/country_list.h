#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rollcall::tools::scenario {

struct Country {
  std::string code;  // ISO 3166-1 alpha-2
  std::string name;  // common name where iso-codes has one
};

// The real ISO 3166-1 list from Debian's iso-codes, in the file's order (never typed by hand).
class CountryList {
 public:
  static constexpr std::string_view kDefaultPath = "/usr/share/iso-codes/json/iso_3166-1.json";

  // Throws std::runtime_error with a one-line reason.
  static CountryList load(const std::string& path = std::string(kDefaultPath));
  static CountryList parse(std::string_view json);

  const std::vector<Country>& all() const { return countries_; }
  const Country* find(std::string_view code) const;

 private:
  std::vector<Country> countries_;
};

}  // namespace rollcall::tools::scenario
