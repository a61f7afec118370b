#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "rollcall/v1/rollcall.pb.h"
#include "services/registry/country_codes.h"
#include "services/registry/csv_reader.h"

namespace rollcall::services::registry {

inline constexpr std::size_t kMaxTextBytes = 200;  // name and organization, in UTF-8 bytes

struct RowError {
  std::size_t line = 0;
  std::string reason;  // plain words, e.g. country "XY" is not an ISO 3166-1 alpha-2 code

  std::string message() const { return "line " + std::to_string(line) + ": " + reason; }
};

struct BadgeRow {
  std::size_t line = 0;
  rollcall::v1::Badge badge;
};

bool is_valid_badge_id(std::string_view id);  // [A-Za-z0-9_.:-]{1,64}

// Turns registry CSV records into badges of one event. Columns, in this order and with a header
// row: badge_id,country,category,name,organization and optionally revoked. Stateful: it
// remembers the header and every badge_id seen, so a repeated id is an error on its second
// occurrence.
class BadgeValidator {
 public:
  // Both must outlive the validator.
  BadgeValidator(const rollcall::v1::Event& event, const CountryCodes& countries);

  // The first record of the file; an error here makes the whole file unusable.
  std::optional<RowError> header(const CsvRecord& record);

  // One data row: the badge (country upper-cased, codes trimmed of spaces, name and organization
  // byte-exact) or every problem of the row in one RowError.
  std::variant<BadgeRow, RowError> row(const CsvRecord& record);

 private:
  const rollcall::v1::Event& event_;
  const CountryCodes& countries_;
  std::unordered_set<std::string> categories_;
  std::unordered_map<std::string, std::size_t> first_line_;  // badge_id -> line
  std::size_t columns_ = 0;                                  // 0 until the header was accepted
};

// A whole registry file, validated.
struct Registry {
  std::vector<BadgeRow> badges;   // the valid rows, in file order
  std::vector<RowError> errors;   // the invalid rows, in file order
  std::optional<RowError> fatal;  // the file cannot be used at all (header, unterminated quote)
};

Registry read_registry(std::istream& in, const rollcall::v1::Event& event,
                       const CountryCodes& countries);

}  // namespace rollcall::services::registry
