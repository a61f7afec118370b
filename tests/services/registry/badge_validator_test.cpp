#include "services/registry/badge_validator.h"

#include <sstream>

#include <gtest/gtest.h>

#include "services/registry/event_config.h"

namespace rollcall::services::registry {
namespace {

constexpr const char* kHeader = "badge_id,country,category,name,organization\n";

class BadgeValidatorTest : public ::testing::Test {
 protected:
  Registry read(const std::string& text) {
    std::istringstream in(text);
    return read_registry(in, event_, countries_);
  }
  // The single error of a file with the standard header and `rows` (which start on line 2).
  std::string only_error(const std::string& rows) {
    const auto r = read(kHeader + rows);
    if (r.fatal) return "fatal " + r.fatal->message();
    if (r.errors.size() != 1) return std::to_string(r.errors.size()) + " errors";
    return r.errors[0].message();
  }

  rollcall::v1::Event event_ = default_event("wsis20-2025");
  CountryCodes countries_ = CountryCodes::load();
};

TEST_F(BadgeValidatorTest, GoodRows) {
  const auto r = read(std::string(kHeader) +
                      "A1,CH,minister,Jean Dupont,Conseil fédéral\n"
                      "A2,,un,Amina Mohammed,United Nations\n"
                      "A3,fr,media,\"Dupont, Marie\",\n");
  ASSERT_FALSE(r.fatal);
  EXPECT_TRUE(r.errors.empty());
  ASSERT_EQ(r.badges.size(), 3u);
  EXPECT_EQ(r.badges[0].line, 2u);
  EXPECT_EQ(r.badges[0].badge.badge_id(), "A1");
  EXPECT_EQ(r.badges[0].badge.country(), "CH");
  EXPECT_EQ(r.badges[0].badge.category(), "minister");
  EXPECT_EQ(r.badges[0].badge.organization(), "Conseil fédéral");
  EXPECT_FALSE(r.badges[0].badge.revoked());
  EXPECT_EQ(r.badges[1].badge.country(), "");    // international organization
  EXPECT_EQ(r.badges[2].badge.country(), "FR");  // normalized
  EXPECT_EQ(r.badges[2].badge.name(), "Dupont, Marie");
  EXPECT_EQ(r.badges[2].badge.organization(), "");
}

TEST_F(BadgeValidatorTest, NamesInAnyScriptAreKeptByteExact) {
  const std::string arabic = "محمد بن راشد", chinese = "王小明", emoji = "Zoë 🎉👩🏽‍💻",
                    org = "الاتحاد الدولي للاتصالات";
  const auto r = read(std::string("\xEF\xBB\xBF") + kHeader + "X1,AE,minister," + arabic + "," +
                      org + "\r\nX2,CN,youth," + chinese + ",清华大学\r\nX3,,other,\"" + emoji +
                      "\",\r\nX4,DE,other,  spaced  ,\r\n");
  ASSERT_FALSE(r.fatal);
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].message();
  ASSERT_EQ(r.badges.size(), 4u);
  EXPECT_EQ(r.badges[0].badge.name(), arabic);
  EXPECT_EQ(r.badges[0].badge.organization(), org);
  EXPECT_EQ(r.badges[1].badge.name(), chinese);
  EXPECT_EQ(r.badges[1].badge.organization(), "清华大学");
  EXPECT_EQ(r.badges[2].badge.name(), emoji);
  EXPECT_EQ(r.badges[3].badge.name(), "  spaced  ");
}

TEST_F(BadgeValidatorTest, CodesAreTrimmed) {
  const auto r = read(std::string(kHeader) + " A1 , ch ,  media ,Name,Org\n");
  ASSERT_EQ(r.badges.size(), 1u);
  EXPECT_EQ(r.badges[0].badge.badge_id(), "A1");
  EXPECT_EQ(r.badges[0].badge.country(), "CH");
  EXPECT_EQ(r.badges[0].badge.category(), "media");
}

TEST_F(BadgeValidatorTest, EveryErrorWithItsLine) {
  EXPECT_EQ(only_error("ok,CH,un,N,O\nA2,XY,un,N,O\n"),
            "line 3: country \"XY\" is not an ISO 3166-1 alpha-2 code");
  EXPECT_EQ(only_error("A1,FRA,un,N,O\n"),
            "line 2: country \"FRA\" is not an ISO 3166-1 alpha-2 code");
  EXPECT_EQ(only_error(",CH,un,N,O\n"), "line 2: badge_id is empty");
  EXPECT_EQ(only_error("A 1,CH,un,N,O\n"),
            "line 2: badge_id \"A 1\" must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.', "
            "':', '-'");
  EXPECT_NE(only_error(std::string(65, 'b') + ",CH,un,N,O\n").find("line 2: badge_id"),
            std::string::npos);
  EXPECT_EQ(only_error(std::string(64, 'b') + ",CH,un,N,O\n"), "0 errors");
  EXPECT_EQ(only_error("A1,CH,,N,O\n"), "line 2: category is empty");
  EXPECT_EQ(only_error("A1,CH,vip,N,O\n"),
            "line 2: category \"vip\" is not a category of event wsis20-2025");
  EXPECT_EQ(only_error("A1,CH,un,,O\n"), "line 2: name is empty");
  EXPECT_EQ(only_error("A1,CH,un,   ,O\n"), "line 2: name is empty");
  EXPECT_EQ(only_error("A1,CH,un," + std::string(201, 'n') + ",O\n"),
            "line 2: name is 201 bytes long (at most 200)");
  EXPECT_EQ(only_error("A1,CH,un," + std::string(200, 'n') + ",O\n"), "0 errors");
  EXPECT_EQ(only_error("A1,CH,un,N," + std::string(201, 'o') + "\n"),
            "line 2: organization is 201 bytes long (at most 200)");
  EXPECT_EQ(only_error("A1,CH,un,\"two\nlines\",O\nA2,CH,un,N,O\n"),
            "line 2: name contains a line break, tab or other control character");
  EXPECT_EQ(only_error("A1,CH,un,N,\"O\tX\"\n"),
            "line 2: organization contains a line break, tab or other control character");
  EXPECT_EQ(only_error("A1,CH,un,N\n"), "line 2: expected 5 columns, found 4");
  EXPECT_EQ(only_error("A1,CH,un,N,O,1\n"), "line 2: expected 5 columns, found 6");
  EXPECT_EQ(only_error("A1,CH,un,Jos\xE9,O\n"),
            "line 2: name is not valid UTF-8 (save the file as UTF-8)");
  EXPECT_EQ(only_error("A1,CH,un,N,\"O\"x\n"),
            "line 2: field 5 has text after its closing quote (a '\"' inside a quoted field must "
            "be doubled)");
}

TEST_F(BadgeValidatorTest, NameLimitCountsBytesNotCharacters) {
  std::string name;
  for (int i = 0; i < 67; ++i) name += "王";  // 201 bytes, 67 characters
  EXPECT_EQ(only_error("A1,CN,un," + name + ",O\n"),
            "line 2: name is 201 bytes long (at most 200)");
}

TEST_F(BadgeValidatorTest, LongValuesAreShortenedInMessagesOnACharacterBoundary) {
  std::string id;
  for (int i = 0; i < 30; ++i) id += "王";  // 90 bytes, not a valid badge_id anyway
  const auto message = only_error(id + ",CH,un,N,O\n");
  EXPECT_NE(message.find("...\" must be"), std::string::npos) << message;
  EXPECT_NE(message.find(id.substr(0, 78) + "...\""), std::string::npos) << message;
}

TEST_F(BadgeValidatorTest, AllProblemsOfARowInOneLine) {
  EXPECT_EQ(only_error("A1,XY,vip,,O\n"),
            "line 2: country \"XY\" is not an ISO 3166-1 alpha-2 code; category \"vip\" is not a "
            "category of event wsis20-2025; name is empty");
}

TEST_F(BadgeValidatorTest, DuplicateIsAnErrorOnTheSecondOccurrence) {
  const auto r = read(std::string(kHeader) +
                      "A1,CH,un,First,O\n"
                      "A2,CH,un,Other,O\n"
                      "A1,CH,un,Second,O\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].message(), "line 4: badge_id \"A1\" already appears on line 2");
  ASSERT_EQ(r.badges.size(), 2u);
  EXPECT_EQ(r.badges[0].badge.name(), "First");
}

TEST_F(BadgeValidatorTest, LinesCountPhysicalLines) {
  const auto r = read(std::string(kHeader) +
                      "A1,CH,un,N,\"Org\r\nwith break\"\r\n"  // lines 2-3 (rejected: control)
                      "\n"                                    // line 4, blank
                      "A2,XY,un,N,O\n");                      // line 5
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].line, 2u);
  EXPECT_EQ(r.errors[1].line, 5u);
}

TEST_F(BadgeValidatorTest, RevokedColumn) {
  const auto r = read(
      "badge_id,country,category,name,organization,revoked\n"
      "A1,CH,un,N,O,true\nA2,CH,un,N,O,false\nA3,CH,un,N,O,1\nA4,CH,un,N,O,0\n"
      "A5,CH,un,N,O,YES\nA6,CH,un,N,O,no\nA7,CH,un,N,O,\nA8,CH,un,N,O,maybe\nA9,CH,un,N,O\n");
  ASSERT_FALSE(r.fatal);
  ASSERT_EQ(r.badges.size(), 7u);
  const std::vector<bool> expected = {true, false, true, false, true, false, false};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(r.badges[i].badge.revoked(), expected[i]) << r.badges[i].badge.badge_id();
  }
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].message(),
            "line 9: revoked \"maybe\" must be true, false, yes, no, 1, 0 or empty");
  EXPECT_EQ(r.errors[1].message(), "line 10: expected 6 columns, found 5");
}

TEST_F(BadgeValidatorTest, PersonIdColumnInEitherOrderAfterTheFive) {
  for (const std::string header :
       {"badge_id,country,category,name,organization,person_id\n",
        "badge_id,country,category,name,organization,revoked,person_id\n",
        "badge_id,country,category,name,organization,Person_ID,revoked\n"}) {
    const bool revoked_first = header.find("revoked,person") != std::string::npos;
    const bool has_revoked = header.find("revoked") != std::string::npos;
    const auto line = [&](std::string id, std::string person, std::string revoked) {
      std::string out = id + ",CH,un,N,O";
      if (!has_revoked) return out + "," + person + "\n";
      return out + (revoked_first ? "," + revoked + "," + person : "," + person + "," + revoked) +
             "\n";
    };
    const auto r = read(header + line("A1", "P-1", "") + line("A2", " P-1 ", "yes") +
                        line("A3", "", "") + line("A4", "P 4", "") + line("A5", "RC1:x", "") +
                        line("A6", std::string(65, 'p'), ""));
    ASSERT_FALSE(r.fatal) << header;
    ASSERT_EQ(r.badges.size(), 3u) << header;
    EXPECT_EQ(r.badges[0].badge.person_id(), "P-1");
    EXPECT_EQ(r.badges[1].badge.person_id(), "P-1");
    EXPECT_EQ(r.badges[1].badge.revoked(), has_revoked);
    EXPECT_EQ(r.badges[2].badge.person_id(), "");
    ASSERT_EQ(r.errors.size(), 3u);
    EXPECT_EQ(r.errors[0].message(),
              "line 5: person_id \"P 4\" must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.', "
              "':', '-'");
    EXPECT_EQ(r.errors[1].line, 6u);
    EXPECT_EQ(r.errors[2].line, 7u);
  }
}

TEST_F(BadgeValidatorTest, ExtraColumnsOtherThanRevokedAndPersonIdAreRefused) {
  const std::string five = "badge_id,country,category,name,organization";
  for (const std::string extra : {",email", ",revoked,revoked", ",person_id,person_id",
                                  ",person_id,revoked,x", ",,person_id", ",revoked,person"}) {
    const auto r = read(five + extra + "\n");
    ASSERT_TRUE(r.fatal) << extra;
    EXPECT_NE(r.fatal->message().find("the header must be"), std::string::npos) << extra;
  }
}

TEST_F(BadgeValidatorTest, InvalidUtf8InThePersonColumnIsNamed) {
  const auto r = read(
      "badge_id,country,category,name,organization,revoked,person_id\n"
      "A1,CH,un,N,O,,P\xff\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].message(), "line 2: person_id is not valid UTF-8 (save the file as UTF-8)");
}

TEST_F(BadgeValidatorTest, HeaderIsRequiredInOrder) {
  auto fatal = [&](const std::string& text) {
    const auto r = read(text);
    return r.fatal ? r.fatal->message() : std::string("(not fatal)");
  };
  EXPECT_EQ(fatal(""),
            "line 1: the file is empty (expected the header "
            "badge_id,country,category,name,organization[,revoked][,person_id])");
  EXPECT_EQ(fatal("A1,CH,un,N,O\n"),
            "line 1: the header must be "
            "badge_id,country,category,name,organization[,revoked][,person_id], "
            "column 1 is \"A1\" instead of \"badge_id\"");
  EXPECT_EQ(fatal("badge_id,category,country,name,organization\n"),
            "line 1: the header must be "
            "badge_id,country,category,name,organization[,revoked][,person_id], "
            "column 2 is \"category\" instead of \"country\"");
  EXPECT_EQ(fatal("badge_id,country,category,name\n"),
            "line 1: the header must be "
            "badge_id,country,category,name,organization[,revoked][,person_id], "
            "found 4 columns");
  EXPECT_EQ(fatal("\n\nBadge_ID , Country,CATEGORY,name,organization\r\n"), "(not fatal)");
}

TEST_F(BadgeValidatorTest, UnterminatedQuoteIsFatal) {
  const auto r = read(std::string(kHeader) + "A1,CH,un,N,O\nA2,CH,un,\"open,O\nA3,CH,un,N,O\n");
  ASSERT_TRUE(r.fatal);
  EXPECT_EQ(r.fatal->line, 3u);
  EXPECT_NE(r.fatal->message().find("never closed"), std::string::npos);
}

TEST_F(BadgeValidatorTest, CategoriesComeFromTheEvent) {
  event_.clear_categories();
  event_.add_categories()->set_id("speaker");
  EXPECT_EQ(only_error("A1,CH,speaker,N,O\nA2,CH,minister,N,O\n"),
            "line 3: category \"minister\" is not a category of event wsis20-2025");
}

TEST_F(BadgeValidatorTest, ValidatorUsedDirectly) {
  BadgeValidator v(event_, countries_);
  CsvRecord row{7, {"A1", "ch", "un", "N", "O"}, {}};
  auto early = v.row(row);
  ASSERT_TRUE(std::holds_alternative<RowError>(early));
  EXPECT_EQ(std::get<RowError>(early).reason, "no header row was accepted before this row");
  ASSERT_FALSE(v.header({1, {"badge_id", "country", "category", "name", "organization"}, {}}));
  auto ok = v.row(row);
  ASSERT_TRUE(std::holds_alternative<BadgeRow>(ok));
  EXPECT_EQ(std::get<BadgeRow>(ok).line, 7u);
  EXPECT_EQ(std::get<BadgeRow>(ok).badge.country(), "CH");
}

}  // namespace
}  // namespace rollcall::services::registry

namespace rollcall::services::registry {
namespace {

TEST(BadgeIds, ASignedCodePrefixIsNeverAPlainBadgeId) {
  EXPECT_TRUE(is_valid_badge_id("WSIS-004217"));
  EXPECT_TRUE(is_valid_badge_id("ext:42"));
  EXPECT_FALSE(is_valid_badge_id("RC1:ABCDEF"));  // the gateway would read it as a badge code
  EXPECT_FALSE(is_valid_badge_id(""));
  EXPECT_FALSE(is_valid_badge_id("a b"));
}

}  // namespace
}  // namespace rollcall::services::registry
