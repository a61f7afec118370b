// Failures you can see (issue 16): a real gateway whose Redis answers errors, or goes away,
// answers `unavailable` and says why in its log (rate-limited) and in
// rollcall_redis_failures_total; and each desk's last scan time is published for the "desk
// silent" alert.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/support/gateway_process.h"
#include "tests/support/redis_server.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/tokens.h"
#include "tools/client/desk_client.h"
#include "tools/client/http_get.h"

namespace rollcall::tests::gateway {
namespace {

using namespace std::chrono_literals;
using support::GatewayProcess;
using support::RedisServer;

constexpr const char* kEvent = "failures-2025";

// ---- a real gateway --------------------------------------------------------------------------

class RedisFailures : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(support::import_registry(
        redis_, kEvent,
        "badge_id,country,category,name,organization,revoked\n"
        "B1,CH,other,Anna,Org,0\nB2,FR,other,Jean,Org,0\nB3,KE,other,Amina,Org,0\n"));
    platform_token_ = support::issue_token(redis_, kEvent, v1::platform);
    organizer_token_ = support::issue_token(redis_, kEvent, v1::organizer);
    gateway_ =
        std::make_unique<GatewayProcess>(redis_.url(), std::vector<std::string>{"--tick-ms", "20"});
  }

  std::unique_ptr<tools::client::DeskClient> desk(const std::string& desk_id) {
    auto client = std::make_unique<tools::client::DeskClient>();
    client->set_token(support::issue_desk_token(redis_, kEvent, desk_id));
    client->connect(gateway_->host(), gateway_->port(), kEvent);
    return client;
  }

  static v1::ScanRequest scan(const std::string& id, const std::string& badge) {
    v1::ScanRequest request;
    request.set_scan_id(id);
    request.set_badge_id(badge);
    request.set_desk_id("d");
    request.set_zone("hall");
    request.set_direction(v1::in);
    return request;
  }

  std::string metrics() {
    return tools::client::http_get(gateway_->host(), gateway_->port(), "/metrics").body;
  }

  // The value of one series (name with its labels, as written), or nullopt when absent.
  std::optional<double> series(const std::string& name) {
    std::istringstream lines(metrics());
    std::string line;
    while (std::getline(lines, line)) {
      if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
    }
    return std::nullopt;
  }

  double failures(const std::string& site, const std::string& kind) {
    return series("rollcall_redis_failures_total{site=\"" + site + "\",kind=\"" + kind + "\"}")
        .value_or(0);
  }

  // Lines of the gateway's log that contain `text`.
  std::vector<std::string> log_lines(const std::string& text) {
    std::vector<std::string> found;
    std::istringstream lines(gateway_->log());
    std::string line;
    while (std::getline(lines, line)) {
      if (line.find(text) != std::string::npos) found.push_back(line);
    }
    return found;
  }

  // Waits (bounded) until the log has a line with `text`.
  bool wait_log(const std::string& text, std::chrono::milliseconds limit = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (!log_lines(text).empty()) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  RedisServer redis_;
  std::string platform_token_;
  std::string organizer_token_;
  std::unique_ptr<GatewayProcess> gateway_;
};

TEST_F(RedisFailures, EachDeskLastScanTimeIsPublished) {
  const std::vector<std::string> desks = {"entrance-1", "entrance-2", "hall-b"};
  for (const auto& id : desks) {
    EXPECT_FALSE(series("rollcall_desk_last_scan_timestamp_seconds{event=\"" + std::string(kEvent) +
                        "\",desk=\"" + id + "\"}"));
  }
  for (std::size_t i = 0; i < desks.size(); ++i) {
    const double before =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    auto client = desk(desks[i]);
    EXPECT_EQ(client->scan(scan("s" + std::to_string(i), "B" + std::to_string(i + 1))).status(),
              v1::accepted);
    const double after =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    const auto at = series("rollcall_desk_last_scan_timestamp_seconds{event=\"" +
                           std::string(kEvent) + "\",desk=\"" + desks[i] + "\"}");
    ASSERT_TRUE(at) << metrics();
    EXPECT_GE(*at, before - 0.01);
    EXPECT_LE(*at, after + 0.01);
  }
}

// Each way of breaking the store the gateway cannot paper over, with the words Redis says.
struct Breakage {
  std::vector<std::string> command;
  std::string redis_words;
};

class RedisErrorReplies : public RedisFailures, public ::testing::WithParamInterface<Breakage> {};

TEST_P(RedisErrorReplies, AreLoggedWithTheirCauseAndCountedForScansPresenceAndTotals) {
  auto client = desk("desk-1");
  ASSERT_EQ(client->scan(scan("before", "B1")).status(), v1::accepted);
  redis_.command(GetParam().command);

  // A scan: `unavailable`, logged with Redis's own words, counted.
  EXPECT_EQ(client->scan(scan("after", "B2")).status(), v1::unavailable);
  ASSERT_TRUE(wait_log("answering scan of event \"" + std::string(kEvent) + "\""))
      << gateway_->log();
  auto lines = log_lines("answering scan of event");
  EXPECT_NE(lines.front().find("redis failure (error_reply)"), std::string::npos) << lines.front();
  EXPECT_NE(lines.front().find(GetParam().redis_words), std::string::npos) << lines.front();
  EXPECT_GE(failures("scan", "error_reply"), 1);

  // Totals over HTTP (nothing cached: no display is attached).
  const auto totals = tools::client::http_get(gateway_->host(), gateway_->port(),
                                              std::string("/v1/events/") + kEvent + "/totals",
                                              tools::client::bearer(organizer_token_));
  EXPECT_EQ(totals.status, 503) << totals.body;
  ASSERT_TRUE(wait_log("answering totals of event")) << gateway_->log();
  EXPECT_NE(log_lines("answering totals of event").front().find(GetParam().redis_words),
            std::string::npos)
      << gateway_->log();
  EXPECT_GE(failures("totals", "error_reply"), 1);

  // A beacon's join (the gateway retries it every 500 ms until Redis takes it), held by a
  // client process for 1.5 s.
  std::string output;
  support::run_program(
      {ROLLCALL_BENCHCLIENT_BIN, "beacons", "--port", std::to_string(gateway_->port()), "--event",
       kEvent, "--count", "1", "--hold-s", "1.5", "--token", platform_token_},
      &output);
  ASSERT_TRUE(wait_log("answering presence of event")) << gateway_->log();
  EXPECT_NE(log_lines("answering presence of event").front().find(GetParam().redis_words),
            std::string::npos)
      << gateway_->log();
  EXPECT_GE(failures("presence", "error_reply"), 1);
}

INSTANTIATE_TEST_SUITE_P(
    Breakages, RedisErrorReplies,
    ::testing::Values(Breakage{{"FUNCTION", "DELETE", "rollcall"}, "Function not found"},
                      Breakage{{"SET", std::string("{") + kEvent + "}:counters", "not a hash"},
                               "WRONGTYPE"}));

TEST_F(RedisFailures, AnOutageIsLoggedOncePerSecondWithACount) {
  auto client = desk("desk-1");
  redis_.command({"FUNCTION", "DELETE", "rollcall"});
  const auto start = std::chrono::steady_clock::now();
  constexpr int kScans = 60;
  for (int i = 0; i < kScans; ++i) {
    ASSERT_EQ(client->scan(scan("s" + std::to_string(i), "B1")).status(), v1::unavailable);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(failures("scan", "error_reply"), kScans);  // every one counted
  const auto lines = log_lines("answering scan of event").size();
  EXPECT_GE(lines, 1u);
  EXPECT_LE(lines, static_cast<std::size_t>(seconds) + 2) << gateway_->log();
  // A second later, the next line says how many it stands for.
  std::this_thread::sleep_for(1100ms);
  EXPECT_EQ(client->scan(scan("late", "B1")).status(), v1::unavailable);
  ASSERT_TRUE(wait_log("more scan failures since the last such line")) << gateway_->log();
  std::smatch count;
  const auto last = log_lines("more scan failures since the last such line").back();
  ASSERT_TRUE(std::regex_search(last, count, std::regex(R"(\((\d+) more scan failures)")));
  EXPECT_GE(std::stoi(count[1]), 1);
  EXPECT_LE(std::stoi(count[1]), kScans);
}

TEST_F(RedisFailures, ALostLinkIsLoggedWithItsReasonAndScansSayWhy) {
  auto client = desk("desk-1");
  ASSERT_EQ(client->scan(scan("before", "B1")).status(), v1::accepted);
  redis_.kill();
  ASSERT_TRUE(wait_log("redis connection lost (")) << gateway_->log();
  const auto lost = log_lines("redis connection lost (").front();
  // The reason as the connection saw it, not an empty pair of brackets.
  EXPECT_TRUE(std::regex_search(
      lost, std::regex(R"(redis connection lost \((connection to|health check)[^)]+\))")))
      << lost;
  EXPECT_EQ(client->scan(scan("during", "B2")).status(), v1::unavailable);
  ASSERT_TRUE(wait_log("redis failure (link) answering scan")) << gateway_->log();
  EXPECT_NE(log_lines("redis failure (link) answering scan").front().find("redis unavailable: "),
            std::string::npos)
      << gateway_->log();
  EXPECT_GE(failures("scan", "link"), 1);
  redis_.start();
}

}  // namespace
}  // namespace rollcall::tests::gateway
