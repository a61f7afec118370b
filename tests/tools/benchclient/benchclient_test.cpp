// rollcall-benchclient against a real gateway: every way of being turned away (no token, a wrong
// one, another event's, another role's) ends in exit 1 with the gateway's close code named on
// stderr and in the report; a display that receives nothing fails; the right token with updates
// passes. tools/bench relies on these exits to refuse a row that measured nothing.
#include <gtest/gtest.h>

#include <map>

#include "tests/support/gateway_process.h"
#include "tests/support/redis_server.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/tokens.h"

namespace rollcall::tests::tools {
namespace {

using support::GatewayProcess;
using support::RedisServer;

constexpr const char* kEvent = "bench-clients";

class Benchclient : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* event : {kEvent, "other-event"}) {
      ASSERT_TRUE(support::import_registry(redis_, event,
                                           "badge_id,country,category,name,organization,revoked\n"
                                           "B1,CH,other,Anna,Org,0\n"));
    }
    for (const auto role : {v1::desk, v1::platform, v1::display}) {
      tokens_[role] = support::issue_token(redis_, kEvent, role);
    }
    other_display_ = support::issue_token(redis_, "other-event", v1::display);
    gateway_ =
        std::make_unique<GatewayProcess>(redis_.url(), std::vector<std::string>{"--tick-ms", "50"});
  }

  // Runs `displays` with one step of 4 displays; returns the exit code, output in *output and
  // the report in *report.
  int displays(const std::string& token, bool publish, std::string* output, std::string* report) {
    const std::string path = redis_.data_dir() + "/report.json";
    std::remove(path.c_str());
    std::vector<std::string> argv = {ROLLCALL_BENCHCLIENT_BIN,
                                     "displays",
                                     "--port",
                                     std::to_string(gateway_->port()),
                                     "--target",
                                     std::string("/v1/display?event=") + kEvent,
                                     "--steps",
                                     "4",
                                     "--warmup-s",
                                     "0.5",
                                     "--measure-s",
                                     "1",
                                     "--report",
                                     path};
    if (!token.empty()) argv.insert(argv.end(), {"--token", token});
    if (publish) {
      argv.insert(argv.end(), {"--publish-redis", std::to_string(redis_.port()), "--publish-event",
                               kEvent, "--publish-keys", "3", "--publish-ms", "50"});
    }
    const int code = support::run_program(argv, output);
    *report = support::read_file(path);
    return code;
  }

  int beacons(const std::string& token, std::string* output,
              const std::vector<std::string>& more = {}, const GatewayProcess* gateway = nullptr) {
    std::vector<std::string> argv = {ROLLCALL_BENCHCLIENT_BIN,
                                     "beacons",
                                     "--port",
                                     std::to_string((gateway ? *gateway : *gateway_).port()),
                                     "--event",
                                     kEvent,
                                     "--count",
                                     "3",
                                     "--hold-s",
                                     "0.3",
                                     "--token",
                                     token};
    argv.insert(argv.end(), more.begin(), more.end());
    return support::run_program(argv, output);
  }

  RedisServer redis_;
  std::map<v1::Role, std::string> tokens_;
  std::string other_display_;
  std::unique_ptr<GatewayProcess> gateway_;
};

TEST_F(Benchclient, DisplaysTurnedAwayExitOneNamingTheCloseCode) {
  // Each refusal with the close code the gateway gives it: 4401 without a valid token of this
  // event, 4403 for a token of another role.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "4401"},
      {"not-a-token", "4401"},
      {"rc_" + std::string(40, 'x'), "4401"},
      {other_display_, "4401"},
      {tokens_[v1::desk], "4403"},
      {tokens_[v1::platform], "4403"},
  };
  for (const auto& [token, code] : cases) {
    SCOPED_TRACE("token \"" + token + "\"");
    std::string output, report;
    EXPECT_EQ(displays(token, /*publish=*/true, &output, &report), 1) << output;
    // The gateway may answer some refusals later than others: at least one is named, with its
    // code, and no step is measured.
    EXPECT_NE(output.find(" of 4 displays closed by the server with code " + code),
              std::string::npos)
        << output;
    EXPECT_NE(report.find(" of 4 displays closed by the server with code " + code),
              std::string::npos)
        << report;
    EXPECT_NE(report.find("\"steps\":[]"), std::string::npos) << report;
  }
}

TEST_F(Benchclient, DisplaysThatReceiveNothingFail) {
  // A valid token but no change during the measurement: no message, so nothing was measured.
  std::string output, report;
  EXPECT_EQ(displays(tokens_[v1::display], /*publish=*/false, &output, &report), 1) << output;
  EXPECT_NE(output.find("step 4: 0 messages received"), std::string::npos) << output;
  EXPECT_NE(report.find("0 messages received"), std::string::npos) << report;
}

TEST_F(Benchclient, DisplaysWithTheirTokenAndUpdatesPass) {
  std::string output, report;
  ASSERT_EQ(displays(tokens_[v1::display], /*publish=*/true, &output, &report), 0) << output;
  EXPECT_NE(report.find("\"problems\":[]"), std::string::npos) << report;
  EXPECT_EQ(report.find("\"messages\":0,"), std::string::npos) << report;
}

TEST_F(Benchclient, BeaconsTurnedAwayExitOne) {
  for (const auto& token : {std::string("wrong"), tokens_[v1::display], tokens_[v1::desk]}) {
    SCOPED_TRACE(token);
    std::string output;
    EXPECT_EQ(beacons(token, &output), 1) << output;
    EXPECT_NE(output.find("\"refused\":3"), std::string::npos) << output;
    EXPECT_NE(output.find("closed by the server with code 44"), std::string::npos) << output;
  }
  std::string output;
  EXPECT_EQ(beacons(tokens_[v1::platform], &output), 0) << output;
  EXPECT_NE(output.find("\"opened\":3,\"failed\":0"), std::string::npos) << output;
}

// --bind NET/16 gives each connection an address of its own (the kernel then never searches for
// a free port): a gateway that admits one connection per address takes all three, while from
// one address the second and third are turned away.
TEST_F(Benchclient, BeaconsFromANetworkComeFromAnAddressEach) {
  const GatewayProcess strict(redis_.url(), {"--max-connections-per-address", "1"});
  std::string output;
  EXPECT_EQ(beacons(tokens_[v1::platform], &output, {"--bind", "127.3.0.0/16"}, &strict), 0)
      << output;
  EXPECT_NE(output.find("\"opened\":3,\"failed\":0"), std::string::npos) << output;
  EXPECT_EQ(beacons(tokens_[v1::platform], &output, {"--bind", "127.4.0.9"}, &strict), 1) << output;
  EXPECT_EQ(output.find("\"opened\":3"), std::string::npos) << output;
}

}  // namespace
}  // namespace rollcall::tests::tools
