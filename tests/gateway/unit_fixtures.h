#pragma once

#include <cstdint>
#include <memory>
#include <regex>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "gateway/metrics.h"
#include "tests/gateway/live_redis.h"
#include "tests/support/scripted_commands.h"

namespace rollcall::tests::gateway {

// The *Live tests: the real link to a private redis-server with the Functions library, ready
// before the test begins.
class LiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.connection()->ready()) << redis_.connection()->last_error();
  }

  LiveRedis redis_;
};

// The *Scripted tests: a redis::Commands that answers what the test scripts (an empty reply
// until it does), and the metrics a class under test counts its failures in.
class ScriptedTest : public ::testing::Test {
 protected:
  void script(support::ScriptedCommands::Answer answer) {
    commands_->set_script([answer](const auto&) { return answer; });
  }

  support::TestIo io_;
  std::shared_ptr<support::ScriptedCommands> commands_ =
      std::make_shared<support::ScriptedCommands>(
          io_.executor(), [](const auto&) { return support::ScriptedCommands::Answer{}; });
  std::shared_ptr<rollcall::gateway::Metrics> metrics_ =
      std::make_shared<rollcall::gateway::Metrics>();
};

// rollcall_redis_failures_total{site=`site`,kind=`kind`} as GET /metrics shows it, summed over
// the kinds when `kind` is empty; 0 when nothing was counted.
inline std::uint64_t redis_failures(const rollcall::gateway::Metrics& metrics,
                                    std::string_view site, std::string_view kind = "") {
  const auto text = metrics.render(true);
  const std::regex line("rollcall_redis_failures_total\\{site=\"" + std::string(site) +
                        "\",kind=\"" + (kind.empty() ? "[a-z_]+" : std::string(kind)) +
                        "\"\\} ([0-9]+)");
  std::uint64_t sum = 0;
  for (std::sregex_iterator it(text.begin(), text.end(), line), end; it != end; ++it) {
    sum += std::stoull((*it)[1]);
  }
  return sum;
}

}  // namespace rollcall::tests::gateway
