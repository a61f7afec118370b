#include "services/registry/person_links.h"

#include <map>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "services/registry/name_fold.h"

namespace rollcall::services::registry {
namespace {

BadgeRow row(std::size_t line, std::string badge, std::string person, std::string country,
             std::string name = "N", std::string organization = "") {
  BadgeRow r{line, {}};
  r.badge.set_badge_id(std::move(badge));
  r.badge.set_person_id(std::move(person));
  r.badge.set_country(std::move(country));
  r.badge.set_name(std::move(name));
  r.badge.set_organization(std::move(organization));
  return r;
}

TEST(PersonLinkConflicts, GeneratedFilesReportExactlyTheRowsThatGiveAPersonASecondCountry) {
  const std::vector<std::string> countries = {"CH", "DE", "FR", "", "BR"};
  std::mt19937 random(15);
  for (int round = 0; round < 200; ++round) {
    std::vector<BadgeRow> rows;
    std::map<std::string, std::pair<std::size_t, std::string>> first;  // the truth, kept apart
    std::set<std::size_t> expected;
    for (std::size_t line = 2; line < 40; ++line) {
      const int person = static_cast<int>(random() % 12);
      const bool linked = random() % 4 != 0;
      const auto& country = countries[random() % countries.size()];
      const std::string person_id = linked ? "P-" + std::to_string(person) : "";
      rows.push_back(row(line, "B" + std::to_string(line), person_id, country));
      if (!linked) continue;
      const auto [it, inserted] = first.emplace(person_id, std::make_pair(line, country));
      if (!inserted && it->second.second != country) expected.insert(line);
    }
    const auto conflicts = person_link_conflicts(rows, {});
    std::set<std::size_t> got;
    for (const auto& c : conflicts) {
      got.insert(c.line);
      EXPECT_NE(c.reason.find("on line "), std::string::npos) << c.message();
      EXPECT_NE(c.reason.find("one person, one country"), std::string::npos);
    }
    EXPECT_EQ(got, expected) << "round " << round;
    EXPECT_EQ(conflicts.size(), expected.size());
  }
}

TEST(PersonLinkConflicts, AKnownLinkElsewhereWinsAndIsNamed) {
  const std::unordered_map<std::string, KnownPerson> known = {{"P-1", {"DE", "venue geneva"}},
                                                              {"P-2", {"", "venue geneva"}}};
  const std::vector<BadgeRow> rows = {row(2, "A", "P-1", "DE"), row(3, "B", "P-1", "CH"),
                                      row(4, "C", "P-2", "FR"), row(5, "D", "P-3", "FR"),
                                      row(6, "E", "", "FR")};
  const auto conflicts = person_link_conflicts(rows, known);
  ASSERT_EQ(conflicts.size(), 2u);
  EXPECT_EQ(conflicts[0].message(),
            "line 3: person_id P-1 is CH here but DE in venue geneva (one person, one country)");
  EXPECT_EQ(conflicts[1].message(),
            "line 4: person_id P-2 is FR here but no country in venue geneva (one person, one "
            "country)");
}

TEST(MatchingRule, TheSamePersonWrittenDifferentlyMeetsOnOneIdAndOthersDoNot) {
  const auto& folder = name_folder();
  const auto id = matched_person_id(folder, "Müller, Anna", "DE", "Bundesministerium");
  ASSERT_EQ(id.size(), 22u);
  EXPECT_TRUE(id.starts_with("m-"));
  EXPECT_TRUE(is_valid_person_id(id));
  EXPECT_EQ(matched_person_id(folder, "MÜLLER  anna", "DE", "bundesministerium"), id);
  EXPECT_EQ(matched_person_id(folder, "Müller Anna", "DE", "BUNDESMINISTERIUM"), id);
  EXPECT_EQ(matched_person_id(folder, "أحمد علي", "EG", ""),
            matched_person_id(folder, "احمد علي", "EG", ""));
  // Never approximate: another country, organization or spelling is another person.
  EXPECT_NE(matched_person_id(folder, "Müller Anna", "AT", "Bundesministerium"), id);
  EXPECT_NE(matched_person_id(folder, "Müller Anna", "DE", "Bundesamt"), id);
  EXPECT_NE(matched_person_id(folder, "Muller Ana", "DE", "Bundesministerium"), id);
  EXPECT_EQ(matched_person_id(folder, " ,.- ", "DE", "X"), "");
}

TEST(MatchingRule, DuplicatesInOneFileStayUnlinkedAndExplicitIdsAreKept) {
  std::vector<BadgeRow> rows = {
      row(2, "A", "", "CH", "Li Wei", "ITU"),   row(3, "B", "", "CH", "LI WEI", "itu"),
      row(4, "C", "", "CH", "Li Wei", "ITU"),   row(5, "D", "P-9", "CH", "Li Wei", "ITU"),
      row(6, "E", "", "FR", "Jean Dupont", ""), row(7, "F", "", "FR", "...", "")};
  const auto report = apply_matching_rule(name_folder(), rows);
  EXPECT_EQ(report.linked, 1u);
  ASSERT_EQ(report.ambiguous.size(), 3u);
  EXPECT_EQ(report.ambiguous[0].message(),
            "line 2: not linked: the same name, country and organization as lines 3, 4 (two "
            "people, or one registered twice: give person_id)");
  EXPECT_EQ(report.ambiguous[2].line, 4u);
  EXPECT_EQ(rows[0].badge.person_id(), "");
  EXPECT_EQ(rows[3].badge.person_id(), "P-9");
  EXPECT_TRUE(rows[4].badge.person_id().starts_with("m-"));
  EXPECT_EQ(rows[5].badge.person_id(), "");
}

}  // namespace
}  // namespace rollcall::services::registry
