// The organizer's export routes end to end: real redis-server written by the real Redis
// Functions, the real rollcall-gateway, plain HTTP GETs.
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <sstream>

#include "tests/services/export/event_fixture.h"
#include "tests/support/gateway_process.h"
#include "tests/support/tokens.h"
#include "tools/client/http_get.h"

namespace rollcall::gateway {
namespace {

using tests::exporting::ExportEvent;
using tests::support::GatewayProcess;
using tools::client::http_get;

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE((text).find(part), std::string::npos) << "looking for: " << (part) << "\nin: " << (text)

class ExportRouteTest : public ::testing::Test {
 protected:
  ExportRouteTest()
      : gateway_(event_.redis().url()),
        organizer_(tests::support::issue_token(event_.redis(), "ev", v1::organizer)) {}

  tools::client::HttpResponse get(const std::string& target) {
    return http_get(gateway_.host(), gateway_.port(), target, tools::client::bearer(organizer_),
                    std::chrono::seconds(20));
  }

  ExportEvent event_;
  GatewayProcess gateway_;
  std::string organizer_;
};

TEST_F(ExportRouteTest, TablesStreamInEveryFormat) {
  event_.add_presence();
  auto r = get("/v1/events/ev/exports/countries.csv");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(r.body.rfind("day,country,onsite,remote,either,inside_peak\r\n", 0), 0u) << r.body;
  EXPECT_CONTAINS(r.body, "\r\nall,EG,1,1,1,1\r\n");
  EXPECT_CONTAINS(r.body, "\r\n2025-07-07,JP,0,1,1,0\r\n");

  r = get("/v1/events/ev/exports/countries.csv?suppress_below=3");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_CONTAINS(r.body, "\r\nall,EG,<3,<3,<3,<3\r\n");

  // .json: one JSON document (an array of rows) as a strict parser reads it, for every table.
  for (const std::string table : {"attendees", "scans", "countries", "categories", "summary"}) {
    r = get("/v1/events/ev/exports/" + table + ".json");
    ASSERT_EQ(r.status, 200) << table << ": " << r.body;
    EXPECT_EQ(r.content_type, "application/json") << table;
    boost::system::error_code error;
    const auto document = boost::json::parse(r.body, error);
    ASSERT_FALSE(error) << table << ": " << error.message();
    ASSERT_TRUE(document.is_array()) << table;
    EXPECT_FALSE(document.as_array().empty()) << table;
    if (table == "attendees") {
      EXPECT_EQ(document.as_array().size(), 7u);
      EXPECT_CONTAINS(r.body, "\"name\":\"王小明\"");
    }
  }
  // .jsonl: the same rows, one a line.
  r = get("/v1/events/ev/exports/attendees.jsonl");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/x-ndjson");
  std::istringstream lines(r.body);
  std::string line;
  int rows = 0;
  while (std::getline(lines, line)) {
    boost::system::error_code error;
    EXPECT_TRUE(boost::json::parse(line, error).is_object() && !error) << line;
    ++rows;
  }
  EXPECT_EQ(rows, 7);

  r = get("/v1/events/ev/exports/scans.csv");
  ASSERT_EQ(r.status, 200);
  EXPECT_CONTAINS(r.body, ",s11,A4,desk-1,hall,in,accepted,first entry of the day,");

  r = get("/v1/events/ev/exports/all.xlsx");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.substr(0, 2), "PK");  // a zip archive

  r = get("/v1/events/ev/exports/summary.html?lang=ar");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_CONTAINS(r.body, "dir=\"rtl\"");
  EXPECT_CONTAINS(r.body, "8 مشاركين");
}

TEST_F(ExportRouteTest, BadRequestsGetJsonErrors) {
  auto r = get("/v1/events/ev/exports/people.csv");
  EXPECT_EQ(r.status, 404);
  EXPECT_CONTAINS(r.body, "\"code\":\"not_found\"");
  r = get("/v1/events/nope/exports/countries.csv");  // tokens belong to one event
  EXPECT_EQ(r.status, 401);
  EXPECT_CONTAINS(r.body, "\"code\":\"unauthenticated\"");
  r = get("/v1/events/ev/exports/countries.md");
  EXPECT_EQ(r.status, 400);
  r = get("/v1/events/ev/exports/attendees.csv?suppress_below=3");
  EXPECT_EQ(r.status, 400);
  r = get("/v1/events/ev/exports/summary.md?lang=de");
  EXPECT_EQ(r.status, 400);
  r = get("/v1/events/ev/scans/rejected?limit=0");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(gateway_.alive());
}

TEST_F(ExportRouteTest, RecentRejectedScansNewestFirst) {
  auto r = get("/v1/events/ev/scans/rejected?limit=2");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  const auto s17 = r.body.find("\"scan_id\":\"s17\""), s16 = r.body.find("\"scan_id\":\"s16\"");
  ASSERT_NE(s17, std::string::npos) << r.body;
  ASSERT_NE(s16, std::string::npos) << r.body;
  EXPECT_LT(s17, s16);
  EXPECT_EQ(r.body.find("\"scan_id\":\"s10\""), std::string::npos);
  EXPECT_CONTAINS(r.body, "\"status\":\"not_allowed\"");

  r = get("/v1/events/ev/scans/rejected");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.front(), '[');
  for (const char* id : {"s17", "s16", "s10", "s9"}) {
    EXPECT_CONTAINS(r.body, std::string("\"scan_id\":\"") + id + "\"");
  }
  EXPECT_EQ(r.body.find("\"scan_id\":\"s1\""), std::string::npos);  // accepted: not listed
}

}  // namespace
}  // namespace rollcall::gateway
