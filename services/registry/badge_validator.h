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
// A person id links a person's badges within an event and across a venue's events: the same
// characters as a badge id.
bool is_valid_person_id(std::string_view id);

// One field that breaks the registry's rules: its proto field name and why, in plain words
// (e.g. field "country", why "country \"XY\" is not an ISO 3166-1 alpha-2 code").
struct FieldProblem {
  std::string field;
  std::string why;
};

// The registry's rules for one badge's fields, the same for an imported row and a walk-in
// registered at a desk: badge_id, country (ISO alpha-2 or empty), category (one of
// `categories`), name (required) and organization, each within its length, valid UTF-8 and
// free of control characters. Codes are trimmed of spaces and the country upper-cased into
// *badge; every problem is returned, in field order.
std::vector<FieldProblem> check_badge_fields(std::string_view badge_id, std::string_view country,
                                             std::string_view category, const std::string& name,
                                             const std::string& organization,
                                             const rollcall::v1::Event& event,
                                             const CountryCodes& countries,
                                             rollcall::v1::Badge* badge);

// Turns registry CSV records into badges of one event. Columns, in this order and with a header
// row: badge_id,country,category,name,organization, then optionally revoked and person_id (in
// either order). Stateful: it
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
  std::unordered_map<std::string, std::size_t> first_line_;  // badge_id -> line
  std::size_t columns_ = 0;                                  // 0 until the header was accepted
  std::size_t revoked_column_ = 0;                           // 0: absent
  std::size_t person_column_ = 0;                            // 0: absent
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
