#include "services/registry/badge_validator.h"

#include <algorithm>
#include <array>

#include "services/registry/utf8.h"

namespace rollcall::services::registry {

namespace {

constexpr std::array<std::string_view, 5> kColumns = {"badge_id", "country", "category", "name",
                                                      "organization"};
// After the five, in either order and each at most once.
constexpr std::string_view kRevoked = "revoked";
constexpr std::string_view kPersonId = "person_id";
constexpr std::string_view kHeader =
    "badge_id,country,category,name,organization[,revoked][,person_id]";

// Spaces around codes are an artefact of hand-edited spreadsheets, never meaningful.
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string quoted(std::string_view text) {
  // Keep messages one line and readable even when the value is long or has line breaks.
  std::size_t cut = std::min<std::size_t>(text.size(), 80);
  // Never cut inside a UTF-8 sequence (continuation bytes are 10xxxxxx).
  while (cut < text.size() && cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  std::string shown;
  for (char c : text.substr(0, cut)) shown += (c == '\n' || c == '\r') ? ' ' : c;
  if (cut < text.size()) shown += "...";
  return "\"" + shown + "\"";
}

bool has_control(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return true;
  }
  return false;
}

std::optional<bool> parse_revoked(std::string_view text) {
  const std::string v = lower(trim(text));
  if (v.empty() || v == "false" || v == "0" || v == "no") return false;
  if (v == "true" || v == "1" || v == "yes") return true;
  return std::nullopt;
}

}  // namespace

bool is_valid_badge_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  // Scanned text with this prefix is a signed badge code, never a plain badge id.
  if (id.starts_with("RC1:")) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool is_valid_person_id(std::string_view id) {
  return is_valid_badge_id(id);
}

std::vector<FieldProblem> check_badge_fields(std::string_view badge_id, std::string_view country,
                                             std::string_view category, const std::string& name,
                                             const std::string& organization,
                                             const rollcall::v1::Event& event,
                                             const CountryCodes& countries,
                                             rollcall::v1::Badge* badge) {
  std::vector<FieldProblem> problems;
  const auto problem = [&](std::string_view field, std::string why) {
    problems.push_back({std::string(field), std::move(why)});
  };

  const std::string_view id = trim(badge_id);
  if (id.empty()) {
    problem("badge_id", "badge_id is empty");
  } else if (!is_valid_badge_id(id)) {
    problem("badge_id", "badge_id " + quoted(id) +
                            " must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.', ':', '-'");
  } else {
    badge->set_badge_id(std::string(id));
  }

  country = trim(country);
  if (!country.empty()) {
    if (auto code = countries.normalize(country)) {
      badge->set_country(std::move(*code));
    } else {
      problem("country", "country " + quoted(country) + " is not an ISO 3166-1 alpha-2 code");
    }
  }

  category = trim(category);
  if (category.empty()) {
    problem("category", "category is empty");
  } else if (std::none_of(event.categories().begin(), event.categories().end(),
                          [&](const auto& c) { return c.id() == category; })) {
    problem("category",
            "category " + quoted(category) + " is not a category of event " + event.event_id());
  } else {
    badge->set_category(std::string(category));
  }

  const auto text = [&](std::string_view field, const std::string& value, bool required,
                        std::string* out) {
    if (required && trim(value).empty()) {
      problem(field, std::string(field) + " is empty");
    } else if (value.size() > kMaxTextBytes) {
      problem(field, std::string(field) + " is " + std::to_string(value.size()) +
                         " bytes long (at most " + std::to_string(kMaxTextBytes) + ")");
    } else if (!is_valid_utf8(value)) {
      problem(field, std::string(field) + " is not valid UTF-8");
    } else if (has_control(value)) {
      problem(field, std::string(field) + " contains a line break, tab or other control character");
    } else {
      *out = value;
    }
  };
  text("name", name, true, badge->mutable_name());
  text("organization", organization, false, badge->mutable_organization());
  return problems;
}

BadgeValidator::BadgeValidator(const rollcall::v1::Event& event, const CountryCodes& countries)
    : event_(event), countries_(countries) {}

std::optional<RowError> BadgeValidator::header(const CsvRecord& record) {
  const auto bad = [&](std::string why) {
    return RowError{record.line, "the header must be " + std::string(kHeader) + ", " + why};
  };
  if (!record.ok()) return RowError{record.line, record.error};
  const auto& f = record.fields;
  if (f.size() < kColumns.size() || f.size() > kColumns.size() + 2) {
    return bad("found " + std::to_string(f.size()) + " column" + (f.size() == 1 ? "" : "s"));
  }
  for (std::size_t i = 0; i < kColumns.size(); ++i) {
    if (lower(trim(f[i])) != kColumns[i]) {
      return bad("column " + std::to_string(i + 1) + " is " + quoted(f[i]) + " instead of \"" +
                 std::string(kColumns[i]) + "\"");
    }
  }
  revoked_column_ = person_column_ = 0;
  for (std::size_t i = kColumns.size(); i < f.size(); ++i) {
    const auto name = lower(trim(f[i]));
    auto& column = name == kRevoked ? revoked_column_ : person_column_;
    if ((name != kRevoked && name != kPersonId) || column != 0) {
      return bad("column " + std::to_string(i + 1) + " is " + quoted(f[i]) +
                 " instead of \"revoked\" or \"person_id\" (each at most once)");
    }
    column = i;
  }
  columns_ = f.size();
  return std::nullopt;
}

std::variant<BadgeRow, RowError> BadgeValidator::row(const CsvRecord& record) {
  RowError error{record.line, {}};
  const auto& f = record.fields;
  if (!record.ok()) {
    error.reason = record.error;
    // Name the column: a file saved as Latin-1 or Windows-1252 is the usual cause.
    for (std::size_t i = 0; i < f.size() && i < columns_; ++i) {
      if (!is_valid_utf8(f[i])) {
        const std::string_view column = i < kColumns.size()    ? kColumns[i]
                                        : i == revoked_column_ ? kRevoked
                                                               : kPersonId;
        error.reason = std::string(column) + " is not valid UTF-8 (save the file as UTF-8)";
        break;
      }
    }
    return error;
  }
  if (columns_ == 0) {
    error.reason = "no header row was accepted before this row";
    return error;
  }
  if (f.size() != columns_) {
    error.reason =
        "expected " + std::to_string(columns_) + " columns, found " + std::to_string(f.size());
    return error;
  }

  BadgeRow out{record.line, {}};
  auto& badge = out.badge;
  std::vector<std::string> problems;
  const std::string_view id = trim(f[0]);
  for (auto& problem :
       check_badge_fields(f[0], f[1], f[2], f[3], f[4], event_, countries_, &badge)) {
    problems.push_back(std::move(problem.why));
  }
  if (is_valid_badge_id(id)) {
    const auto [it, inserted] = first_line_.emplace(std::string(id), record.line);
    if (!inserted) {
      problems.insert(problems.begin(), "badge_id " + quoted(id) + " already appears on line " +
                                            std::to_string(it->second));
    }
  }

  if (revoked_column_ != 0) {
    const auto& text = f[revoked_column_];
    if (auto revoked = parse_revoked(text)) {
      badge.set_revoked(*revoked);
    } else {
      problems.push_back("revoked " + quoted(text) +
                         " must be true, false, yes, no, 1, 0 or empty");
    }
  }
  if (person_column_ != 0) {
    const std::string_view person = trim(f[person_column_]);
    if (person.empty()) {
      // No link: the badge is its own person.
    } else if (is_valid_person_id(person)) {
      badge.set_person_id(std::string(person));
    } else {
      problems.push_back("person_id " + quoted(person) +
                         " must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.', ':', '-'");
    }
  }

  if (problems.empty()) return out;
  error.reason = problems.front();
  for (std::size_t i = 1; i < problems.size(); ++i) error.reason += "; " + problems[i];
  return error;
}

Registry read_registry(std::istream& in, const rollcall::v1::Event& event,
                       const CountryCodes& countries) {
  Registry registry;
  CsvReader reader(in);
  BadgeValidator validator(event, countries);
  auto first = reader.next();
  if (!first) {
    registry.fatal =
        RowError{1, "the file is empty (expected the header " + std::string(kHeader) + ")"};
    return registry;
  }
  if (auto error = validator.header(*first)) {
    registry.fatal = std::move(error);
    return registry;
  }
  while (auto record = reader.next()) {
    if (reader.broken()) {
      // Everything after an unclosed quote became one field: the rest of the file is unknown.
      registry.fatal = RowError{record->line, record->error};
      return registry;
    }
    auto result = validator.row(*record);
    if (auto* badge = std::get_if<BadgeRow>(&result)) {
      registry.badges.push_back(std::move(*badge));
    } else {
      registry.errors.push_back(std::move(std::get<RowError>(result)));
    }
  }
  return registry;
}

}  // namespace rollcall::services::registry
