#include "services/registry/csv_reader.h"

#include <sstream>

#include <gtest/gtest.h>

namespace rollcall::services::registry {
namespace {

std::vector<CsvRecord> read_all(const std::string& text) {
  std::istringstream in(text);
  CsvReader reader(in);
  std::vector<CsvRecord> out;
  while (auto r = reader.next()) out.push_back(std::move(*r));
  return out;
}

using Fields = std::vector<std::string>;

TEST(CsvReader, SimpleRecordsWithLf) {
  const auto r = read_all("a,b,c\n1,2,3\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].fields, (Fields{"a", "b", "c"}));
  EXPECT_EQ(r[1].fields, (Fields{"1", "2", "3"}));
  EXPECT_EQ(r[0].line, 1u);
  EXPECT_EQ(r[1].line, 2u);
  EXPECT_TRUE(r[1].ok());
}

TEST(CsvReader, CrlfAndNoFinalNewline) {
  const auto r = read_all("a,b\r\n1,2");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].fields, (Fields{"a", "b"}));
  EXPECT_EQ(r[1].fields, (Fields{"1", "2"}));
  EXPECT_EQ(r[1].line, 2u);
}

TEST(CsvReader, LoneCrEndsARecord) {
  const auto r = read_all("a\rb\r");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].fields, (Fields{"b"}));
  EXPECT_EQ(r[1].line, 2u);
}

TEST(CsvReader, EmptyFields) {
  const auto r = read_all(",a,,\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].fields, (Fields{"", "a", "", ""}));
}

TEST(CsvReader, QuotedFieldsWithCommasQuotesAndNewlines) {
  const auto r = read_all(
      "id,name\n"
      "1,\"Dupont, Jean\"\n"
      "2,\"say \"\"hi\"\"\"\n"
      "3,\"two\nlines\"\n"
      "4,\"crlf\r\ninside\"\r\n"
      "5,\"\"\n");
  ASSERT_EQ(r.size(), 6u);
  EXPECT_EQ(r[1].fields[1], "Dupont, Jean");
  EXPECT_EQ(r[2].fields[1], "say \"hi\"");
  EXPECT_EQ(r[3].fields[1], "two\nlines");
  EXPECT_EQ(r[3].line, 4u);
  EXPECT_EQ(r[4].fields[1], "crlf\r\ninside");
  EXPECT_EQ(r[4].line, 6u);  // the record before spans lines 4 and 5
  EXPECT_EQ(r[5].fields, (Fields{"5", ""}));
  EXPECT_EQ(r[5].line, 8u);
}

TEST(CsvReader, BomIsSkipped) {
  const auto r = read_all(
      "\xEF\xBB\xBF"
      "badge_id,x\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].fields[0], "badge_id");
}

TEST(CsvReader, BomOnlyAtTheStart) {
  // A BOM in the middle is data (a zero-width no-break space), kept as is.
  const auto r = read_all(
      "a\n\xEF\xBB\xBF"
      "b\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].fields[0],
            "\xEF\xBB\xBF"
            "b");
}

TEST(CsvReader, BlankLinesAreSkippedButCounted) {
  const auto r = read_all("a\n\n\r\nb\n\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].fields, (Fields{"b"}));
  EXPECT_EQ(r[1].line, 4u);
}

TEST(CsvReader, EmptyInput) {
  EXPECT_TRUE(read_all("").empty());
  EXPECT_TRUE(read_all("\xEF\xBB\xBF").empty());
  EXPECT_TRUE(read_all("\n\n").empty());
}

TEST(CsvReader, NamesInAnyScriptAreByteExact) {
  const std::string arabic = "محمد بن سلمان", chinese = "王小明",
                    emoji = "Zoë 🎉👩🏽‍💻";
  const auto r = read_all(arabic + "," + chinese + ",\"" + emoji + "\"\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].ok());
  EXPECT_EQ(r[0].fields, (Fields{arabic, chinese, emoji}));
}

TEST(CsvReader, InvalidUtf8IsAnErrorAndReadingGoesOn) {
  const auto r = read_all("a,b\n1,Jos\xE9\n2,ok\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_FALSE(r[1].ok());
  EXPECT_EQ(r[1].line, 2u);
  EXPECT_EQ(r[1].error, "field 2 is not valid UTF-8");
  EXPECT_TRUE(r[2].ok());
}

TEST(CsvReader, UnterminatedQuoteIsTheLastRecord) {
  std::istringstream in("a,b\n1,\"open\n2,x\n3,y\n");
  CsvReader reader(in);
  ASSERT_TRUE(reader.next());
  auto bad = reader.next();
  ASSERT_TRUE(bad);
  EXPECT_FALSE(bad->ok());
  EXPECT_EQ(bad->line, 2u);
  EXPECT_NE(bad->error.find("never closed"), std::string::npos) << bad->error;
  EXPECT_TRUE(reader.broken());
  EXPECT_FALSE(reader.next());
}

TEST(CsvReader, UnterminatedQuoteOpenedOnALaterLineSaysWhere) {
  const auto r = read_all("1,\"two\nlines\",\"open\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].line, 1u);
  EXPECT_NE(r[0].error.find("opened on line 2"), std::string::npos) << r[0].error;
}

TEST(CsvReader, TextAfterClosingQuoteIsAnError) {
  const auto r = read_all("\"ab\"c,d\nnext\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_FALSE(r[0].ok());
  EXPECT_NE(r[0].error.find("field 1"), std::string::npos) << r[0].error;
  EXPECT_TRUE(r[1].ok());
  EXPECT_EQ(r[1].line, 2u);
}

TEST(CsvReader, BareQuoteInsideUnquotedFieldIsKept) {
  const auto r = read_all("John \"Jack\" Smith,x\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].ok());
  EXPECT_EQ(r[0].fields[0], "John \"Jack\" Smith");
}

TEST(CsvReader, StreamsLargeInputAcrossBufferBoundaries) {
  std::string text =
      "\xEF\xBB\xBF"
      "id,name\r\n";
  for (int i = 0; i < 20000; ++i) {
    text += std::to_string(i) + ",\"名前, " + std::to_string(i) + "\nsecond\"\r\n";
  }
  const auto r = read_all(text);
  ASSERT_EQ(r.size(), 20001u);
  EXPECT_EQ(r[20000].fields[1], "名前, 19999\nsecond");
  EXPECT_EQ(r[20000].line, 1u + 2u * 20000u - 1u);
  for (const auto& rec : r) ASSERT_TRUE(rec.ok()) << rec.line << ": " << rec.error;
}

}  // namespace
}  // namespace rollcall::services::registry
