// Walk-ins follow the import's rules: every generated bad value the importer refuses in a CSV
// row is refused here too, naming its field, and every good row is accepted the same way.
#include "services/registry/walk_in.h"

#include <sstream>

#include <gtest/gtest.h>

#include "services/registry/csv_reader.h"
#include "services/registry/event_config.h"
#include "services/registry/utf8.h"

namespace rollcall::services::registry {
namespace {

struct Row {
  std::string badge_id = "A1", country = "CH", category = "minister", name = "Jean Dupont",
              organization = "Conseil fédéral";
};

class WalkInTest : public ::testing::Test {
 protected:
  v1::WalkIn walk_in(const Row& row, std::string request_id = "req-1") {
    v1::WalkIn w;
    w.set_request_id(std::move(request_id));
    w.mutable_badge()->set_badge_id(row.badge_id);
    w.mutable_badge()->set_country(row.country);
    w.mutable_badge()->set_category(row.category);
    w.mutable_badge()->set_name(row.name);
    w.mutable_badge()->set_organization(row.organization);
    return w;
  }
  // The importer's verdict on the same values, as one CSV record (no quoting games: the
  // validator sees the fields as they are).
  std::variant<BadgeRow, RowError> import(const Row& row) {
    BadgeValidator validator(event_, countries_);
    CsvRecord header{1, {"badge_id", "country", "category", "name", "organization"}, {}};
    EXPECT_FALSE(validator.header(header));
    CsvRecord record{2, {row.badge_id, row.country, row.category, row.name, row.organization}, {}};
    return validator.row(record);
  }

  v1::Event event_ = default_event("wsis20-2025");
  CountryCodes countries_ = CountryCodes::load();
};

// Bad values for each field, generated from a few seeds: empty, too long (by one byte and by
// far), bad UTF-8, control characters, unknown codes.
std::vector<std::pair<std::string, Row>> bad_rows() {
  std::vector<std::pair<std::string, Row>> rows;
  const auto add = [&](std::string field, auto set) {
    Row row;
    set(row);
    rows.emplace_back(std::move(field), row);
  };
  const std::vector<std::string> controls = {"\n",   "\r",  "\t", std::string(1, '\0'),
                                             "\x1b", "\x7f"};
  const std::vector<std::string> bad_utf8 = {
      "\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "caf\xe9"};
  for (const std::string& id :
       std::vector<std::string>{"has space", "RC1:abc", "é", "a/b", std::string(65, 'x'),
                                std::string(1000, 'y'), "\xff", "a\nb"}) {
    add("badge_id", [&](Row& r) { r.badge_id = id; });
  }
  for (const std::string country : {"XX", "C", "CHE", "12", "\xff", "c h", "ZZ"}) {
    add("country", [&](Row& r) { r.country = country; });
  }
  for (const std::string& category : std::vector<std::string>{
           "", "ministers", "MINISTER", "x", "\xff", "minister\n", std::string(300, 'm')}) {
    add("category", [&](Row& r) { r.category = category; });
  }
  for (const std::string field : {"name", "organization"}) {
    const auto set = [field](Row& r, std::string value) {
      (field == "name" ? r.name : r.organization) = std::move(value);
    };
    for (const std::size_t length : {kMaxTextBytes + 1, kMaxTextBytes * 5, std::size_t{100000}}) {
      add(field, [&](Row& r) { set(r, std::string(length, 'n')); });
    }
    // Over-long in a multi-byte script: 101 Arabic letters are 202 bytes.
    std::string arabic;
    for (int i = 0; i < 101; ++i) arabic += "ب";
    add(field, [&](Row& r) { set(r, arabic); });
    for (const auto& c : controls) add(field, [&](Row& r) { set(r, "Ana" + c + "Lima"); });
    for (const auto& b : bad_utf8) add(field, [&](Row& r) { set(r, "Ana " + b); });
  }
  for (const std::string blank : {"", " ", "   "}) {
    add("name", [&](Row& r) { r.name = blank; });
  }
  return rows;
}

TEST_F(WalkInTest, EveryBadValueIsRefusedNamingItsFieldAsTheImporterRefusesIt) {
  const auto rows = bad_rows();
  ASSERT_GT(rows.size(), 50u);
  for (const auto& [field, row] : rows) {
    SCOPED_TRACE(field + " = \"" +
                 quote_input(row.badge_id + "|" + row.country + "|" + row.category + "|" +
                                 row.name + "|" + row.organization,
                             80) +
                 "\"");
    const auto check = check_walk_in(walk_in(row), event_, countries_);
    ASSERT_FALSE(check.walk_in);
    ASSERT_TRUE(check.problem);
    EXPECT_EQ(check.problem->field, field);
    EXPECT_FALSE(check.problem->why.empty());
    EXPECT_TRUE(is_valid_utf8(check.problem->why));
    EXPECT_LE(check.problem->why.size(), 260u);  // bounded whatever was sent
    // The importer refuses the same row, with the same words for this field.
    const auto imported = import(row);
    ASSERT_TRUE(std::holds_alternative<RowError>(imported));
    const auto& reason = std::get<RowError>(imported).reason;
    if (is_valid_utf8(reason)) EXPECT_NE(reason.find(check.problem->why), std::string::npos);
  }
}

TEST_F(WalkInTest, GoodRowsInAnyScriptAreAcceptedAndNormalizedLikeTheImport) {
  const std::vector<Row> good = {
      {"A1", "ch", "minister", "Jean Dupont", "Conseil fédéral"},
      {"X-2", "", "un", "Amina Mohammed", ""},
      {"x.3", " AE ", " minister ", "محمد بن راشد", "الاتحاد الدولي للاتصالات"},
      {"C:4", "CN", "youth", "王小明", "清华大学"},
      {"R5", "RU", "media", "Мария Иванова", std::string(kMaxTextBytes, 'o')},
      {"E6", "", "other", "Zoë 🎉👩🏽‍💻", ""},
      {std::string(64, 'z'), "DE", "other", std::string(kMaxTextBytes, 'n'), "x"},
  };
  for (const auto& row : good) {
    SCOPED_TRACE(row.name);
    const auto check = check_walk_in(walk_in(row), event_, countries_);
    ASSERT_TRUE(check.walk_in) << check.problem->field << ": " << check.problem->why;
    const auto imported = import(row);
    ASSERT_TRUE(std::holds_alternative<BadgeRow>(imported));
    EXPECT_EQ(check.walk_in->badge.SerializeAsString(),
              std::get<BadgeRow>(imported).badge.SerializeAsString());
  }
}

TEST_F(WalkInTest, AnEmptyBadgeIdIsTheGatewaysToMake) {
  Row row;
  row.badge_id = "";
  const auto check = check_walk_in(walk_in(row), event_, countries_);
  ASSERT_TRUE(check.walk_in);
  EXPECT_EQ(check.walk_in->badge.badge_id(), "");
  EXPECT_EQ(check.walk_in->badge.name(), "Jean Dupont");
}

TEST_F(WalkInTest, FieldsOnlyRollcallSetsAreRefused) {
  const std::vector<std::pair<std::string, std::function<void(v1::Badge*)>>> cases = {
      {"revoked", [](v1::Badge* b) { b->set_revoked(true); }},
      {"person_id", [](v1::Badge* b) { b->set_person_id("P1"); }},
      {"revoked_reason", [](v1::Badge* b) { b->set_revoked_reason("replaced"); }},
      {"replaced_by", [](v1::Badge* b) { b->set_replaced_by("B9"); }},
      {"registered_by", [](v1::Badge* b) { b->set_registered_by("tok"); }},
  };
  for (const auto& [field, set] : cases) {
    auto w = walk_in(Row{});
    set(w.mutable_badge());
    const auto check = check_walk_in(w, event_, countries_);
    ASSERT_TRUE(check.problem) << field;
    EXPECT_EQ(check.problem->field, field);
  }
}

TEST_F(WalkInTest, RequestIdsAreRequiredAndBounded) {
  for (const std::string& id :
       std::vector<std::string>{"", std::string(129, 'r'), "a b", "é", "x\n", "\xff", "a/b"}) {
    const auto check = check_walk_in(walk_in(Row{}, id), event_, countries_);
    ASSERT_TRUE(check.problem) << quote_input(id);
    EXPECT_EQ(check.problem->field, "request_id");
  }
  EXPECT_TRUE(check_walk_in(walk_in(Row{}, std::string(128, 'r')), event_, countries_).walk_in);
}

TEST_F(WalkInTest, ValidityDaysMustBeDaysOfTheEventInOrder) {
  event_.add_days("2025-07-07");
  event_.add_days("2025-07-08");
  event_.add_days("2025-07-09");
  const auto with_days = [&](std::string first, std::string last) {
    auto w = walk_in(Row{});
    w.set_first_day(std::move(first));
    w.set_last_day(std::move(last));
    return check_walk_in(w, event_, countries_);
  };
  EXPECT_TRUE(with_days("", "").walk_in);
  EXPECT_TRUE(with_days("2025-07-08", "").walk_in);
  EXPECT_TRUE(with_days("2025-07-08", "2025-07-09").walk_in);
  EXPECT_EQ(with_days("2025-07-08", "2025-07-09").walk_in->first_day, "2025-07-08");
  for (const auto& [first, last, field] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"2025-07-10", "", "first_day"},
           {"07/08/2025", "", "first_day"},
           {"2025-02-30", "", "first_day"},
           {"\xff", "", "first_day"},
           {"", "2025-07-06", "last_day"},
           {"", "2025-7-9", "last_day"},
           {"2025-07-09", "2025-07-08", "last_day"}}) {
    const auto check = with_days(first, last);
    ASSERT_TRUE(check.problem) << first << " " << last;
    EXPECT_EQ(check.problem->field, field);
    EXPECT_TRUE(is_valid_utf8(check.problem->why));
  }
}

}  // namespace
}  // namespace rollcall::services::registry
