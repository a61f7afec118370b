// Every export of an event written by the real Redis Functions, checked against the known truth
// of tests/services/export/event_fixture.cpp.
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "rollcall/v1/export.pb.h"
#include "services/export/export_job.h"
#include "services/registry/csv_reader.h"
#include "tests/services/export/event_fixture.h"
#include "tools/export/event_reader.h"

namespace rollcall::services::exporting {
namespace {

using tests::exporting::ExportEvent;
using Csv = std::vector<std::vector<std::string>>;

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE((text).find(part), std::string::npos) << "looking for: " << (part) << "\nin: " << (text)

class ExportTest : public ::testing::Test {
 protected:
  std::string run(Table table, Format format, int suppress_below = 0,
                  Language language = Language::en) {
    std::string error;
    tools::import::RedisSession session(*gateway::redis::Url::parse(event_.redis().url(), &error));
    tools::exporting::EventReader reader(session, ExportEvent::kEvent);
    const auto event = reader.event();
    const auto registry = reader.registry();
    ExportJob job({table, format, language, suppress_below}, event, registry);
    std::string out, bytes;
    // Small chunks, so that paging through the stream is exercised too.
    reader.read_log(
        [&](const std::vector<LogEntry>& entries) {
          for (const auto& entry : entries) job.feed(entry);
          while (job.take(&bytes, 100)) out += bytes;
        },
        "+", 4);
    job.finish();
    while (job.take(&bytes, 100)) out += bytes;
    return out;
  }

  static Csv parse_csv(const std::string& text) {
    std::istringstream in(text);
    registry::CsvReader reader(in);
    Csv rows;
    while (auto record = reader.next()) {
      EXPECT_TRUE(record->ok()) << record->error;
      rows.push_back(record->fields);
    }
    EXPECT_FALSE(reader.broken());
    return rows;
  }

  // The row whose first columns are `key`, as column name -> value.
  static std::map<std::string, std::string> find_row(const Csv& csv,
                                                     const std::vector<std::string>& key) {
    for (std::size_t r = 1; r < csv.size(); ++r) {
      if (std::equal(key.begin(), key.end(), csv[r].begin())) {
        std::map<std::string, std::string> row;
        for (std::size_t c = 0; c < csv[0].size() && c < csv[r].size(); ++c) {
          row[csv[0][c]] = csv[r][c];
        }
        return row;
      }
    }
    ADD_FAILURE() << "no row " << ::testing::PrintToString(key);
    return {};
  }

  ExportEvent event_;
};

TEST_F(ExportTest, CountriesPerDayMatchTheTruth) {
  event_.add_presence();
  const auto csv = parse_csv(run(Table::countries, Format::csv));
  ASSERT_FALSE(csv.empty());
  EXPECT_EQ(csv[0], (std::vector<std::string>{"day", "country", "onsite", "remote", "either",
                                              "inside_peak"}));
  auto counts = [&](const std::string& day, const std::string& country) {
    const auto row = find_row(csv, {day, country});
    return row.empty() ? std::string("missing")
                       : row.at("onsite") + "/" + row.at("remote") + "/" + row.at("either") + "/" +
                             row.at("inside_peak");
  };
  EXPECT_EQ(counts("2025-07-07", "CH"), "1/0/1/1");
  EXPECT_EQ(counts("2025-07-07", "EG"), "1/1/1/1");  // A2 on site and online: once in either
  EXPECT_EQ(counts("2025-07-07", "CN"), "1/0/1/1");
  EXPECT_EQ(counts("2025-07-07", "FR"), "1/0/1/1");  // the late offline replay counts
  EXPECT_EQ(counts("2025-07-07", "JP"), "0/1/1/0");  // online only, no badge
  EXPECT_EQ(counts("2025-07-08", "CH"), "1/0/1/1");
  EXPECT_EQ(counts("2025-07-08", ""), "1/0/1/1");  // international organization
  EXPECT_EQ(counts("2025-07-08", "EG"), "0/1/1/0");
  EXPECT_EQ(counts("2025-07-09", "BR"), "0/1/1/0");
  EXPECT_EQ(counts("all", "CH"), "1/0/1/1");
  EXPECT_EQ(counts("all", "EG"), "1/1/1/1");
  EXPECT_EQ(counts("all", ""), "1/0/1/1");
  EXPECT_EQ(counts("2025-07-08", "KE"), "0/1/1/0");  // counted out when its lease expired
  EXPECT_EQ(csv.size(), 1u + 5 + 4 + 2 + 8);         // header, day 1, day 2, day 3, all
}

TEST_F(ExportTest, CategoriesListEveryConfiguredCategory) {
  const auto csv = parse_csv(run(Table::categories, Format::csv));
  ASSERT_FALSE(csv.empty());
  auto counts = [&](const std::string& day, const std::string& category) {
    const auto row = find_row(csv, {day, category});
    return row.empty() ? std::string("missing")
                       : row.at("onsite") + "/" + row.at("either") + "/" + row.at("inside_peak");
  };
  EXPECT_EQ(find_row(csv, {"all", "minister"}).at("label"), "Ministers and deputy ministers");
  EXPECT_EQ(counts("all", "minister"), "1/1/1");  // A6 is a revoked minister: refused
  EXPECT_EQ(counts("all", "un"), "2/2/1");        // A2 on day 1, A5 on days 2 and 3
  EXPECT_EQ(counts("2025-07-07", "regulator"), "1/1/1");
  EXPECT_EQ(counts("2025-07-09", "un"), "1/1/1");
  EXPECT_EQ(counts("2025-07-09", "minister"), "0/0/0");
  EXPECT_EQ(csv.size(), 1u + 4 * 10);  // every default category, three days and "all"
}

TEST_F(ExportTest, AttendeesRoundTripNamesAndHoldTheDays) {
  event_.add_presence();
  const auto text = run(Table::attendees, Format::csv);
  const auto csv = parse_csv(text);
  ASSERT_EQ(csv.size(), 8u);  // header and the seven registered badges
  EXPECT_EQ(csv[0].size(), 5u + 3 * 4);
  EXPECT_EQ(csv[0][5], "2025-07-07 attendance");
  EXPECT_EQ(csv[0][16], "2025-07-09 minutes_online");

  auto a1 = find_row(csv, {"A1"});
  EXPECT_EQ(a1["name"], "Zoë Müller-Ångström");
  EXPECT_EQ(a1["organization"], "Département fédéral");
  EXPECT_EQ(a1["2025-07-07 attendance"], "onsite");
  EXPECT_EQ(a1["2025-07-07 first_entry"], "09:00:00");
  EXPECT_EQ(a1["2025-07-07 last_exit"], "12:00:00");
  EXPECT_EQ(a1["2025-07-08 first_entry"], "08:30:00");
  EXPECT_EQ(a1["2025-07-08 last_exit"], "18:00:00");
  EXPECT_EQ(a1["2025-07-09 attendance"], "absent");
  EXPECT_EQ(a1["2025-07-09 first_entry"], "");

  auto a2 = find_row(csv, {"A2"});
  EXPECT_EQ(a2["name"], "محمد عبد الله");
  EXPECT_EQ(a2["organization"], "الأمم المتحدة");
  EXPECT_EQ(a2["2025-07-07 attendance"], "both");
  EXPECT_EQ(a2["2025-07-07 minutes_online"], "30");
  EXPECT_EQ(a2["2025-07-08 attendance"], "remote");
  EXPECT_EQ(a2["2025-07-08 minutes_online"], "40");  // two devices overlapping: 10:00 to 10:40

  auto a3 = find_row(csv, {"A3"});
  EXPECT_EQ(a3["name"], "王小明");
  EXPECT_EQ(a3["organization"], "中国电信管理局");
  auto a4 = find_row(csv, {"A4"});
  EXPECT_EQ(a4["name"], "Jean \"JJ\", Dupont");
  EXPECT_EQ(a4["2025-07-07 first_entry"], "09:30:00");  // device time of the offline replay
  EXPECT_EQ(find_row(csv, {"A6"})["2025-07-07 attendance"], "absent");
  auto a7 = find_row(csv, {"A7"});
  EXPECT_EQ(a7["2025-07-09 attendance"], "remote");
  EXPECT_EQ(a7["2025-07-09 minutes_online"], "10");  // the rest belongs to 10 July
  EXPECT_CONTAINS(text, "\r\n");
}

TEST_F(ExportTest, ScansListEveryLoggedScan) {
  event_.add_presence();  // joins and leaves are not scans
  const auto csv = parse_csv(run(Table::scans, Format::csv));
  ASSERT_EQ(csv.size(), 1u + 19);  // the replayed s1 changed nothing and is not logged twice
  EXPECT_EQ(csv[0], (std::vector<std::string>{"log_id", "scan_id", "badge_id", "desk_id", "zone",
                                              "direction", "status", "reason", "device_time",
                                              "server_time", "day", "late"}));
  std::map<std::string, std::string> status_of;
  for (std::size_t r = 1; r < csv.size(); ++r) status_of[csv[r][1]] = csv[r][6];
  EXPECT_EQ(status_of["s1"], "accepted");
  EXPECT_EQ(status_of["s5"], "already_inside");
  EXPECT_EQ(status_of["s8"], "not_inside");
  EXPECT_EQ(status_of["s9"], "revoked");
  EXPECT_EQ(status_of["s10"], "unknown_badge");
  EXPECT_EQ(status_of["s16"], "wrong_day");
  EXPECT_EQ(status_of["s17"], "not_allowed");
  EXPECT_EQ(csv[1][1], "s1");  // log order
  for (std::size_t r = 1; r < csv.size(); ++r) {
    if (csv[r][1] != "s11") {
      EXPECT_EQ(csv[r][11], "no") << csv[r][1];
      continue;
    }
    EXPECT_EQ(csv[r][11], "yes");
    EXPECT_EQ(csv[r][8], "2025-07-07 09:30:00");
    EXPECT_EQ(csv[r][9], "2025-07-07 15:00:00");
    EXPECT_EQ(csv[r][7], "first entry of the day");
  }
}

TEST_F(ExportTest, JsonIsOneProtoRowPerLine) {
  event_.add_presence();
  const auto text = run(Table::summary, Format::json);
  std::istringstream in(text);
  std::map<std::string, int> figures;
  std::string line;
  while (std::getline(in, line)) {
    v1::SummaryRow row;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &row).ok()) << line;
    if (row.day().empty())
      figures[row.figure() + (row.key().empty() ? "" : ":" + row.key())] = row.value();
  }
  EXPECT_EQ(figures["participants"], 8);  // A1..A5 on site; A7, P2 and P4 online only
  EXPECT_EQ(figures["onsite"], 5);
  EXPECT_EQ(figures["remote"], 4);
  EXPECT_EQ(figures["hybrid"], 1);
  EXPECT_EQ(figures["countries_any"], 7);  // CH EG CN FR JP BR KE; A5 has no country
  EXPECT_EQ(figures["countries_onsite"], 4);
  EXPECT_EQ(figures["countries_remote"], 4);
  EXPECT_EQ(figures["days"], 3);
  EXPECT_EQ(figures["peak_online"], 1);
  EXPECT_EQ(figures["inside_peak"], 4);
  EXPECT_EQ(figures["category:minister"], 1);
  EXPECT_EQ(figures["category:un"], 2);
  EXPECT_EQ(figures["category:media"], 1);
  EXPECT_CONTAINS(text, "{\"figure\":\"onsite\",\"day\":\"2025-07-08\",\"key\":\"\",");

  const auto scans = run(Table::scans, Format::json);
  std::istringstream scan_lines(scans);
  ASSERT_TRUE(std::getline(scan_lines, line));
  v1::ScanRow first;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &first).ok()) << line;
  EXPECT_EQ(first.scan_id(), "s1");
  EXPECT_EQ(first.status(), v1::accepted);
  EXPECT_CONTAINS(line, "\"status\":\"accepted\"");
  EXPECT_CONTAINS(line, "\"device_time\":\"2025-07-07T07:00:00Z\"");
}

TEST_F(ExportTest, SmallCellsAreSuppressedInPublicTables) {
  event_.add_presence();
  const auto csv = parse_csv(run(Table::countries, Format::csv, 3));
  EXPECT_EQ(find_row(csv, {"all", "CH"}).at("onsite"), "<3");
  EXPECT_EQ(find_row(csv, {"all", "CH"}).at("remote"), "0");  // zero reveals nobody
  const auto json = run(Table::countries, Format::json, 3);
  EXPECT_CONTAINS(json, "\"suppressed\":[\"onsite\",\"either\",\"inside_peak\"]");
  EXPECT_EQ(json.find("\"onsite\":1"), std::string::npos);

  const auto categories = parse_csv(run(Table::categories, Format::csv, 2));
  EXPECT_EQ(find_row(categories, {"all", "un"}).at("onsite"), "2");  // 2 is not below 2
  EXPECT_EQ(find_row(categories, {"all", "minister"}).at("onsite"), "<2");

  const auto summary = parse_csv(run(Table::summary, Format::csv, 3));
  EXPECT_EQ(find_row(summary, {"onsite", ""}).at("value"), "5");
  EXPECT_EQ(find_row(summary, {"countries_remote", ""}).at("value"), "4");
  EXPECT_EQ(find_row(summary, {"category", "", "minister"}).at("value"), "<3");
  EXPECT_EQ(find_row(summary, {"days", ""}).at("value"), "3");  // days are not people
}

TEST_F(ExportTest, HeadlineReportInThreeLanguages) {
  event_.add_presence();
  const auto en = run(Table::summary, Format::md);
  EXPECT_CONTAINS(en, "# WSIS+20 Test: participation");
  EXPECT_CONTAINS(en,
                  "WSIS+20 Test took place over 3 days (7–9 July 2025) and brought together "
                  "8 participants: 5 on site and 4 online, 1 of whom took part both on site "
                  "and online.");
  EXPECT_CONTAINS(en, "Participants came from 7 countries (4 represented on site, 4 online).");
  EXPECT_CONTAINS(en,
                  "They included 1 minister or deputy minister, 1 regulator and 2 UN "
                  "representatives.");
  EXPECT_CONTAINS(en, "| 7 July 2025 | 4 | 2 | 4 |");

  const auto fr = run(Table::summary, Format::txt, 0, Language::fr);
  EXPECT_CONTAINS(fr, "s’est tenu sur 3 jours (du 7 au 9 juillet 2025) et a réuni 8 participants");
  EXPECT_CONTAINS(fr,
                  "Parmi eux figuraient 1 ministre ou vice-ministre, 1 régulateur et 2 "
                  "représentants du système des Nations Unies.");

  const auto ar = run(Table::summary, Format::html, 0, Language::ar);
  EXPECT_CONTAINS(ar, "<html lang=\"ar\" dir=\"rtl\">");
  EXPECT_CONTAINS(ar, "@page");
  EXPECT_CONTAINS(ar, "3 أيام");
  EXPECT_CONTAINS(ar, "8 مشاركين");
  EXPECT_CONTAINS(ar, "7 دول");
  EXPECT_CONTAINS(ar, "الوزراء ونواب الوزراء: 1");
}

TEST(HeadlineWords, NumbersAndPlurals) {
  EXPECT_EQ(format_count(11000, Language::en), "11,000");
  EXPECT_EQ(format_count(1234567, Language::fr), "1\u202F234\u202F567");
  EXPECT_EQ(format_count(999, Language::ar), "999");
}

TEST(LogEntryTest, FieldsAndStreamIds) {
  LogEntry entry{"1751871600000-3", {{"type", "scan"}, {"late", "1"}, {"device_ms", "x"}}};
  EXPECT_EQ(entry.get("type"), "scan");
  EXPECT_EQ(entry.get("missing"), "");
  EXPECT_EQ(entry.get_int("late"), 1);
  EXPECT_EQ(entry.get_int("device_ms", 7), 7);
  EXPECT_EQ(entry.id_ms(), 1751871600000);
  EXPECT_EQ(next_stream_id("5-3"), "5-4");
  EXPECT_EQ(next_stream_id("5-18446744073709551615"), "6-0");
}

TEST(ExportOptionsTest, ProblemsAreExplained) {
  EXPECT_EQ(options_problem({Table::summary, Format::html}), "");
  EXPECT_NE(options_problem({Table::countries, Format::md}), "");
  EXPECT_NE(options_problem({Table::all, Format::csv}), "");
  EXPECT_NE(options_problem({Table::attendees, Format::csv, Language::en, 3}), "");
  EXPECT_EQ(options_problem({Table::countries, Format::csv, Language::en, 3}), "");
}

}  // namespace
}  // namespace rollcall::services::exporting
