// Runs the built rollcall-export against events written by the real Redis Functions.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include <date/tz.h>

#include "services/checkin/scan_outcome.h"
#include "services/checkin/scan_timing.h"
#include "services/store/keys.h"
#include "tests/services/export/event_fixture.h"
#include "tests/support/gateway_process.h"

namespace rollcall::tools::exporting {
namespace {

namespace fs = std::filesystem;
using tests::exporting::ExportEvent;
using tests::support::run_program;

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE((text).find(part), std::string::npos) << "looking for: " << (part) << "\nin: " << (text)

std::size_t count_lines(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class ExportCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("rollcall-export-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  int run(std::vector<std::string> args, std::string* output) {
    args.insert(args.begin(), ROLLCALL_EXPORT_BIN);
    return run_program(args, output);
  }
  int export_event(const std::string& table, std::vector<std::string> more, std::string* output) {
    std::vector<std::string> args = {table, "--event", ExportEvent::kEvent, "--redis",
                                     event_.redis().url()};
    args.insert(args.end(), more.begin(), more.end());
    return run(args, output);
  }

  fs::path dir_;
  ExportEvent event_;
};

TEST_F(ExportCliTest, VerifyPassesOnACleanEventAndFailsOnTamperedCounters) {
  std::string out;
  ASSERT_EQ(export_event("verify", {}, &out), 0) << out;
  EXPECT_CONTAINS(out, " counters compared, 0 differences\n");
  EXPECT_EQ(out.find("differs"), std::string::npos) << out;

  const auto counters = services::store::counters_key(ExportEvent::kEvent);
  event_.redis().command({"HINCRBY", counters, "onsite", "1"});
  event_.redis().command({"HINCRBY", counters, "inside:zone:hall", "-1"});
  event_.redis().command({"HSET", counters, "mystery", "3"});
  ASSERT_EQ(export_event("verify", {}, &out), 1) << out;
  EXPECT_CONTAINS(out, "differs: onsite live 6 recount 5\n");
  EXPECT_CONTAINS(out, "differs: inside:zone:hall live -1 recount 0\n");
  EXPECT_CONTAINS(out, "not recounted (unknown kind): mystery\n");
  EXPECT_CONTAINS(out, ", 2 differences\n");
  EXPECT_CONTAINS(out, "rollcall-export: the live counters of ev differ from the event log\n");
}

TEST_F(ExportCliTest, VerifyRecountsEveryKindOfScanCounter) {
  // Spot checks that the recount reaches each family the functions write.
  std::string out;
  ASSERT_EQ(export_event("verify", {}, &out), 0) << out;
  const auto counters = services::store::counters_key(ExportEvent::kEvent);
  for (const char* field :
       {"day:2025-07-07:country:CH", "arrivals:2025-07-07T09:30", "scans:wrong_day",
        "desk:desk-1:late", "desk:desk-1:rejected", "onsite:category:un"}) {
    event_.redis().command({"HINCRBY", counters, field, "1"});
    ASSERT_EQ(export_event("verify", {}, &out), 1) << field;
    EXPECT_CONTAINS(out, std::string("differs: ") + field + " live ");
    event_.redis().command({"HINCRBY", counters, field, "-1"});
  }
  ASSERT_EQ(export_event("verify", {}, &out), 0) << out;
}

TEST_F(ExportCliTest, VerifyRecountsOverturnedOfflineVerdicts) {
  // Offline verdicts on top of the fixture's day: agreed ones, and overturned both ways.
  struct Offline {
    const char* badge;
    const char* dir;
    v1::OfflineVerdict verdict;
  };
  const Offline scans[] = {
      {"A7", "in", v1::offline_admitted},   {"A7", "in", v1::offline_refused},
      {"A6", "in", v1::offline_admitted},   {"NOPE", "in", v1::offline_refused},
      {"NOPE", "in", v1::offline_admitted}, {"A7", "out", v1::offline_refused}};
  int n = 0;
  for (const auto& s : scans) {
    v1::ScanRequest request;
    request.set_scan_id("off" + std::to_string(n++));
    request.set_badge_id(s.badge);
    request.set_desk_id("desk-1");
    request.set_zone("hall");
    request.set_direction(std::string_view(s.dir) == "in" ? v1::in : v1::out);
    request.set_offline_verdict(s.verdict);
    const auto server_ms = ExportEvent::at("2025-07-09", "16:00") + n;
    const auto timing =
        services::checkin::scan_timing(request, server_ms, date::locate_zone("Europe/Zurich"));
    event_.redis().command(
        services::checkin::scan_command(ExportEvent::kEvent, request, timing, server_ms, 500)
            .args());
  }
  const auto counters = services::store::counters_key(ExportEvent::kEvent);
  EXPECT_EQ(event_.redis().command({"HGET", counters, "offline:admitted_refused"}), "2");
  EXPECT_EQ(event_.redis().command({"HGET", counters, "offline:refused_admitted"}), "2");
  std::string out;
  ASSERT_EQ(export_event("verify", {}, &out), 0) << out;
  for (const char* field :
       {"offline:admitted_refused", "offline:refused_admitted", "desk:desk-1:overturned"}) {
    event_.redis().command({"HINCRBY", counters, field, "1"});
    ASSERT_EQ(export_event("verify", {}, &out), 1) << field;
    EXPECT_CONTAINS(out, std::string("differs: ") + field + " live ");
    event_.redis().command({"HINCRBY", counters, field, "-1"});
  }
}

TEST_F(ExportCliTest, VerifyRecountsOnlineParticipation) {
  event_.add_presence();
  std::string out;
  ASSERT_EQ(export_event("verify", {}, &out), 0) << out;
  const auto counters = services::store::counters_key(ExportEvent::kEvent);
  for (const char* field : {"remote", "hybrid", "online", "peak_online", "day:2025-07-08:remote",
                            "day:2025-07-08:peak_online", "remote:country:KE", "online:country:EG",
                            "joins:2025-07-07T14:00", "presence:joined", "presence:already_left"}) {
    event_.redis().command({"HINCRBY", counters, field, "1"});
    ASSERT_EQ(export_event("verify", {}, &out), 1) << field;
    EXPECT_CONTAINS(out, std::string("differs: ") + field + " live ");
    event_.redis().command({"HINCRBY", counters, field, "-1"});
  }
}

TEST_F(ExportCliTest, XlsxWorkbookOpensAndHoldsTheSameNumbers) {
  event_.add_presence();
  const auto path = (dir_ / "ev.xlsx").string();
  std::string out;
  ASSERT_EQ(export_event("all", {"--out", path}, &out), 0) << out;
  EXPECT_EQ(out, "");  // no progress bar when stderr is not a terminal
  ASSERT_EQ(run_program({"/usr/bin/python3", XLSX_DUMP_PY, path}, &out), 0) << out;
  EXPECT_CONTAINS(out, "SHEET\tscans\nlog_id\tscan_id\t");
  EXPECT_CONTAINS(out, "SHEET\tsummary\nfigure\tday\tkey\tlabel\tvalue\n");
  EXPECT_CONTAINS(out, "participants\t\t\tParticipants (each person once, on site or online)\t8\n");
  EXPECT_CONTAINS(out, "SHEET\tattendees\n");
  // earlier_badges and registered_by empty: an imported badge never replaced.
  EXPECT_CONTAINS(out,
                  "A2\tمحمد عبد الله\tالأمم المتحدة\tEG\tun\t\t\tboth\t09:05:00\t17:00:00\t30\t");
  EXPECT_CONTAINS(out, "A3\t王小明\t");
  EXPECT_CONTAINS(out, "SHEET\tcountries\n");
  EXPECT_CONTAINS(out, "\nall\tEG\t1\t1\t1\t1\n");
  EXPECT_CONTAINS(out, "SHEET\tcategories\n");
  EXPECT_CONTAINS(out, "\nall\tun\tUN system\t2\t1\t2\t1\n");

  // One table alone, and the same figures as the CSV of it.
  const auto single = (dir_ / "countries.xlsx").string();
  ASSERT_EQ(export_event("countries", {"--format", "xlsx", "--out", single}, &out), 0) << out;
  ASSERT_EQ(run_program({"/usr/bin/python3", XLSX_DUMP_PY, single}, &out), 0) << out;
  std::string csv;
  ASSERT_EQ(export_event("countries", {}, &csv), 0);
  std::string as_tsv = csv;
  for (auto& c : as_tsv) c = c == ',' ? '\t' : c;
  as_tsv.erase(std::remove(as_tsv.begin(), as_tsv.end(), '\r'), as_tsv.end());
  EXPECT_EQ(out, "SHEET\tcountries\n" + as_tsv);
}

TEST_F(ExportCliTest, OutFileEqualsStdoutAndReportsWork) {
  std::string stdout_text, out;
  ASSERT_EQ(export_event("attendees", {}, &stdout_text), 0);
  const auto path = dir_ / "attendees.csv";
  ASSERT_EQ(export_event("attendees", {"--out", path.string()}, &out), 0) << out;
  EXPECT_EQ(slurp(path), stdout_text);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);

  ASSERT_EQ(export_event("summary", {"--format", "html", "--lang", "ar"}, &out), 0);
  EXPECT_CONTAINS(out, "dir=\"rtl\"");
  ASSERT_EQ(export_event("summary", {"--format", "txt", "--lang", "fr"}, &out), 0);
  EXPECT_CONTAINS(out, "a réuni 5 participants sur place.");
  ASSERT_EQ(export_event("countries", {"--suppress-below", "3"}, &out), 0);
  EXPECT_CONTAINS(out, "all,CH,<3,0,<3,<3\r\n");
}

TEST_F(ExportCliTest, HelpExitsZero) {
  std::string out;
  ASSERT_EQ(run({"--help"}, &out), 0);
  for (const char* option : {"--event", "--format", "--lang", "--out", "--suppress-below",
                             "--redis", "--help", "verify", "attendees", "categories"}) {
    EXPECT_CONTAINS(out, option);
  }
}

TEST_F(ExportCliTest, BadUsageExitsTwo) {
  const std::string url = event_.redis().url();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {},
           {"--event", "ev"},
           {"people", "--event", "ev"},
           {"countries"},
           {"countries", "--event", "ev", "--format", "pdf"},
           {"countries", "--event", "ev", "--format", "md"},
           {"countries", "--event", "ev", "--lang", "de"},
           {"attendees", "--event", "ev", "--suppress-below", "3"},
           {"all", "--event", "ev", "--format", "csv"},
           {"verify", "--event", "ev", "--format", "csv"},
           {"countries", "--event", "ev", "--redis", "http://x"},
           {"countries", "--event", "Bad Id"},
           {"countries", "scans", "--event", "ev"}}) {
    std::string out;
    EXPECT_EQ(run(args, &out), 2) << ::testing::PrintToString(args);
    EXPECT_EQ(count_lines(out), 1u) << out;
    EXPECT_EQ(out.rfind("rollcall-export: ", 0), 0u) << out;
  }
}

TEST_F(ExportCliTest, UnknownEventAndUnreachableRedisExitOne) {
  std::string out;
  EXPECT_EQ(run({"countries", "--event", "nope", "--redis", event_.redis().url()}, &out), 1);
  EXPECT_EQ(out, "rollcall-export: no event named \"nope\"\n");
  EXPECT_EQ(run({"verify", "--event", "ev", "--redis", "redis://127.0.0.1:1"}, &out), 1);
  EXPECT_EQ(count_lines(out), 1u) << out;
  EXPECT_CONTAINS(out, "cannot connect to redis at 127.0.0.1:1");
}

}  // namespace
}  // namespace rollcall::tools::exporting
