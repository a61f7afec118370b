// rollcall-loadgen against a real gateway: turned away in any way (no tokens, wrong ones, roles
// swapped, another event's) it exits 1 naming the gateway's close code and the channel; with the
// right tokens it replays the timeline; interrupted, it still writes its report (tools/bench
// stops its background load so and reads what it did); with displays on another gateway of the
// same Redis and a desk of its own token, it follows every scan onto that display.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "tests/support/gateway_process.h"
#include "tests/support/redis_server.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/tokens.h"

namespace rollcall::tests::tools {
namespace {

using support::GatewayProcess;
using support::RedisServer;

constexpr const char* kEvent = "loadgen-clients";

class Loadgen : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* event : {kEvent, "other-event"}) {
      ASSERT_TRUE(support::import_registry(
          redis_, event,
          "badge_id,country,category,name,organization,revoked\n"
          "B1,CH,other,Anna,Org,0\nB2,FR,other,Jean,Org,0\nB3,KE,other,Amina,Org,0\n"));
    }
    for (const auto role : {v1::desk, v1::platform, v1::display}) {
      tokens_[role] = support::issue_token(redis_, kEvent, role);
    }
    other_desk_ = support::issue_token(redis_, "other-event", v1::desk);
    write_timeline("timeline.jsonl", "s");
    gateway_ =
        std::make_unique<GatewayProcess>(redis_.url(), std::vector<std::string>{"--tick-ms", "50"});
  }

  std::string dir() const { return redis_.data_dir(); }

  // Scans 10 ms apart: 300 of them last 3 s at --speed x1; scan ids `prefix`0...
  void write_timeline(const std::string& name, const std::string& prefix) const {
    std::ofstream timeline(dir() + "/" + name);
    timeline << R"({"type":"header","scenario":"t","event_id":")" << kEvent
             << R"(","time_zone":"Europe/Zurich","days":["2026-07-07"]})"
             << "\n";
    for (int i = 0; i < 300; ++i) {
      timeline << R"({"type":"scan","t_ms":)" << i * 10 << R"(,"desk":"d1","scan":{"scan_id":")"
               << prefix << i << R"(","badge_id":"B)" << (i % 3 + 1)
               << R"(","desk_id":"d1","zone":"main","direction":")" << (i % 2 ? "out" : "in")
               << R"("}})"
               << "\n";
    }
  }

  // Runs the loadgen with a tokens file of these lines (none: no --tokens); `prefix` wraps the
  // command (e.g. `timeout -s INT`).
  // `extra`: more loadgen options.
  int replay(const std::vector<std::string>& token_lines, const std::string& speed,
             std::string* output, std::string* report, std::vector<std::string> prefix = {},
             const std::vector<std::string>& extra = {}) {
    const std::string report_path = dir() + "/report.json";
    std::remove(report_path.c_str());
    std::vector<std::string> argv = std::move(prefix);
    argv.insert(argv.end(),
                {ROLLCALL_LOADGEN_BIN, "--gateway", "127.0.0.1:" + std::to_string(gateway_->port()),
                 "--timeline", dir() + "/" + timeline_, "--last-day", "keep", "--speed", speed,
                 "--settle-ms", "200", "--report", report_path});
    argv.insert(argv.end(), extra.begin(), extra.end());
    if (!token_lines.empty()) {
      std::ofstream file(dir() + "/tokens");
      for (const auto& line : token_lines) file << line << "\n";
      argv.insert(argv.end(), {"--tokens", dir() + "/tokens"});
    }
    const int code = support::run_program(argv, output);
    *report = support::read_file(report_path);
    return code;
  }

  RedisServer redis_;
  std::string timeline_ = "timeline.jsonl";
  std::map<v1::Role, std::string> tokens_;
  std::string other_desk_;
  std::unique_ptr<GatewayProcess> gateway_;
};

TEST_F(Loadgen, TurnedAwayItExitsOneNamingTheCloseCode) {
  const auto desk = tokens_[v1::desk], display = tokens_[v1::display];
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{}, "code 4401: this needs an access token"},
      {{"desk wrong", "display " + display}, "desk d1: refused by the gateway with code 4401"},
      {{"desk " + desk, "display wrong"}, "display: refused by the gateway with code 4401"},
      {{"desk " + display, "display " + desk}, "refused by the gateway with code 4403"},
      {{"desk " + desk, "display " + desk}, "display: refused by the gateway with code 4403"},
      {{"desk " + other_desk_, "display " + display},
       "desk d1: refused by the gateway with code 4401"},
      {{"desk " + tokens_[v1::platform], "display " + display},
       "desk d1: refused by the gateway with code 4403"},
  };
  for (const auto& [lines, words] : cases) {
    SCOPED_TRACE(lines.empty() ? std::string("no tokens") : lines[0] + " / " + lines[1]);
    std::string output, report;
    EXPECT_EQ(replay(lines, "max", &output, &report), 1) << output;
    EXPECT_NE(output.find(words), std::string::npos) << output;
    EXPECT_NE(report.find("\"ok\":false"), std::string::npos) << report;
    EXPECT_NE(report.find("\"results\":0,"), std::string::npos) << report;
  }
}

TEST_F(Loadgen, WithItsTokensItReplaysEveryScan) {
  std::string output, report;
  ASSERT_EQ(replay({"desk " + tokens_[v1::desk], "display " + tokens_[v1::display]}, "max", &output,
                   &report),
            0)
      << output;
  EXPECT_NE(report.find("\"ok\":true"), std::string::npos) << report;
  EXPECT_NE(report.find("\"results\":300,"), std::string::npos) << report;
}

TEST_F(Loadgen, InterruptedItStillWritesWhatItDid) {
  // 3 s of scans at x1, interrupted after 1 s: the report is there, with some scans answered.
  std::string output, report;
  EXPECT_EQ(replay({"desk " + tokens_[v1::desk], "display " + tokens_[v1::display]}, "x1", &output,
                   &report, {"timeout", "--preserve-status", "-s", "INT", "1"}),
            1)
      << output;
  EXPECT_NE(output.find("interrupted by signal 2 after"), std::string::npos) << output;
  ASSERT_NE(report.find("\"failure\":\"interrupted by signal 2"), std::string::npos) << report;
  EXPECT_EQ(report.find("\"results\":0,"), std::string::npos) << report;
  EXPECT_EQ(report.find("\"results\":300,"), std::string::npos) << report;
}

// The figure of `key` in the report's JSON text (the first occurrence after `after`), or -1.
long long figure(const std::string& report, const std::string& key, const std::string& after = "") {
  const auto from = after.empty() ? 0 : report.find("\"" + after + "\"");
  if (from == std::string::npos) return -1;
  const auto at = report.find("\"" + key + "\":", from);
  if (at == std::string::npos) return -1;
  return std::stoll(report.substr(at + key.size() + 3));
}

TEST_F(Loadgen, DisplaysOnAnotherGatewayShowEveryScanOfAFollowedDesk) {
  GatewayProcess displays_gateway(redis_.url(), {"--tick-ms", "50"});
  const auto elsewhere = "127.0.0.1:" + std::to_string(displays_gateway.port());
  const std::vector<std::string> lines = {
      "desk:d1 " + support::issue_desk_token(redis_, kEvent, "d1"),
      "display " + tokens_[v1::display]};
  std::string output, report;
  ASSERT_EQ(replay(lines, "x2", &output, &report, {}, {"--display-gateway", elsewhere}), 0)
      << output;
  EXPECT_NE(report.find("\"display_gateway\":\"" + elsewhere + "\""), std::string::npos);
  EXPECT_EQ(figure(report, "results"), 300) << report;
  EXPECT_EQ(figure(report, "desks_followed"), 1) << report;
  EXPECT_EQ(figure(report, "count", "scan_to_display_exact"), 300) << report;
  EXPECT_EQ(figure(report, "not_shown"), 0) << report;
  EXPECT_GT(figure(report, "count", "interval"), 0) << report;

  // New scans of the same desk: counted from where the display's count of d1 stood (300).
  write_timeline("more.jsonl", "t");
  timeline_ = "more.jsonl";
  const std::vector<std::string> more = {"--display-gateway", elsewhere};
  ASSERT_EQ(replay(lines, "max", &output, &report, {}, more), 0) << output;
  EXPECT_EQ(figure(report, "count", "scan_to_display_exact"), 300) << report;
  EXPECT_EQ(figure(report, "not_shown"), 0) << report;
  EXPECT_GT(figure(report, "p50_ms", "scan_to_display_exact"), 0) << report;  // not the old ones

  // The same scans again are replays, which count nothing: none is waited for.
  ASSERT_EQ(replay(lines, "max", &output, &report, {}, more), 0) << output;
  EXPECT_EQ(figure(report, "replays"), 300) << report;
  EXPECT_EQ(figure(report, "count", "scan_to_display_exact"), 0) << report;
  EXPECT_EQ(figure(report, "not_shown"), 0) << report;

  // The displays go where --display-gateway says: nowhere listening there, the run fails.
  const auto nowhere = "127.0.0.1:" + std::to_string(support::free_loopback_port());
  EXPECT_EQ(replay(lines, "max", &output, &report, {}, {"--display-gateway", nowhere}), 1);
  EXPECT_NE(output.find("cannot connect"), std::string::npos) << output;
}

}  // namespace
}  // namespace rollcall::tests::tools
