// A gateway in WAIT mode (--redis-wait-replicas 1) whose replica goes away and comes back: the
// desk's scans answer `unavailable` at once, the metric and the log say why, reads go on, and
// once the replica is back the same scans are accepted, each counted once.
#include <gtest/gtest.h>

#include <thread>

#include "services/store/keys.h"
#include "tests/support/gateway_process.h"
#include "tests/support/http_totals.h"
#include "tests/support/metrics_text.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/replication_cluster.h"
#include "tests/support/tokens.h"
#include "tools/client/desk_client.h"
#include "tools/client/http_get.h"

namespace rollcall::tests::integration {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using support::GatewayProcess;
using support::metric_value;
using support::ReplicationCluster;

constexpr const char* kEvent = "wait-2025";
constexpr int kBadges = 30;

v1::ScanRequest scan_of(int badge) {
  v1::ScanRequest request;
  request.set_scan_id("scan-" + std::to_string(badge));
  request.set_badge_id("B" + std::to_string(badge));
  request.set_desk_id("desk-1");
  request.set_zone("hall");
  request.set_direction(v1::in);
  return request;
}

std::string metrics(const GatewayProcess& gateway) {
  return tools::client::http_get("127.0.0.1", gateway.port(), "/metrics", 5s).body;
}

bool eventually(const std::function<bool()>& condition, std::chrono::seconds limit) {
  for (const auto deadline = Clock::now() + limit; Clock::now() < deadline;) {
    if (condition()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return condition();
}

TEST(WaitMode, ScansFailAtOnceWhileTheReplicaIsAwayAndCountOnceWhenItIsBack) {
  ReplicationCluster cluster(0);
  ASSERT_TRUE(cluster.wait_until_ready(20s)) << "replica not in sync";
  std::string csv = "badge_id,country,category,name,organization,revoked\n";
  for (int i = 0; i < kBadges; ++i) csv += "B" + std::to_string(i) + ",CH,other,P,Org,\n";
  ASSERT_TRUE(support::import_registry(cluster.primary(), kEvent, csv, {}));
  const auto desk_token = support::issue_token(cluster.primary(), kEvent, v1::desk);
  const auto organizer_token = support::issue_token(cluster.primary(), kEvent, v1::organizer);
  GatewayProcess gateway(cluster.primary().url(),
                         {"--redis-wait-replicas", "1", "--redis-wait-timeout-ms", "300"});
  tools::client::DeskClient desk;
  desk.set_token(desk_token);
  desk.connect("127.0.0.1", gateway.port(), kEvent);
  ASSERT_EQ(desk.scan(scan_of(0), 10s).status(), v1::accepted);
  EXPECT_EQ(metric_value(metrics(gateway), "rollcall_redis_replicas_short"), 0u);

  cluster.replica().kill();
  // The first scan's WAIT times out; from then on scans fail without waiting for one (a WAIT
  // per scan would be 29 of them; a probe goes out each second).
  const auto waits_before = support::command_calls(cluster.primary(), "wait");
  for (int badge = 1; badge < kBadges; ++badge) {
    EXPECT_EQ(desk.scan(scan_of(badge), 10s).status(), v1::unavailable) << badge;
  }
  EXPECT_LT(support::command_calls(cluster.primary(), "wait") - waits_before, kBadges / 2);
  const auto short_metrics = metrics(gateway);
  EXPECT_EQ(metric_value(short_metrics, "rollcall_redis_replicas_short"), 1u) << short_metrics;
  EXPECT_EQ(metric_value(short_metrics, "rollcall_redis_replicas_short_total"), 1u);
  const auto log = gateway.log();
  EXPECT_NE(log.find("redis replicas short (127.0.0.1:" + std::to_string(cluster.primary().port()) +
                     ": WAIT 1 300 answered 0)"),
            std::string::npos)
      << log;
  // Reads go on: the totals show what the primary ran (the scans did run there).
  const auto totals = support::http_totals(gateway, std::string("/v1/events/") + kEvent + "/totals",
                                           organizer_token);
  EXPECT_EQ(totals.onsite(), kBadges);

  cluster.replica().start();
  // The desk sends its scans again, as a kiosk does: accepted once the replica acknowledges.
  ASSERT_TRUE(eventually([&] { return desk.scan(scan_of(1), 10s).status() == v1::accepted; }, 30s))
      << gateway.log();
  for (int badge = 2; badge < kBadges; ++badge) {
    EXPECT_EQ(desk.scan(scan_of(badge), 10s).status(), v1::accepted) << badge;
  }
  const auto back = metrics(gateway);
  EXPECT_EQ(metric_value(back, "rollcall_redis_replicas_short"), 0u) << back;
  EXPECT_NE(gateway.log().find("redis replicas acknowledge again"), std::string::npos);
  const auto final_totals = support::http_totals(
      gateway, std::string("/v1/events/") + kEvent + "/totals", organizer_token);
  EXPECT_EQ(final_totals.onsite(), kBadges);
  EXPECT_EQ(final_totals.scans_by_status().at("accepted"), kBadges) << "each scan counted once";
  EXPECT_EQ(cluster.replica().command({"HGET", services::store::counters_key(kEvent), "onsite"}),
            std::to_string(kBadges));
}

}  // namespace
}  // namespace rollcall::tests::integration
