// Events spread over a three-primary Redis Cluster on loopback (issue 17): two events whose hash
// tags land on different primaries, imported there; one gateway in cluster mode
// (redis+cluster://); desks scan both events and a display follows each. Midway, the slot of one
// event is moved to the third primary while the desks go on scanning: every scan is counted
// exactly once, on its event's shard only.
// Then a cluster with a replica per primary: the primary of an event is killed while desks scan;
// its replica takes over, the gateway follows, and every scan still counts exactly once.
#include <gtest/gtest.h>

#include <algorithm>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "redis/hash_slot.h"
#include "services/store/keys.h"
#include "tests/support/gateway_process.h"
#include "tests/support/http_totals.h"
#include "tests/support/metrics_text.h"
#include "tests/support/persistent_desk.h"
#include "tests/support/redis_cluster_nodes.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/tokens.h"
#include "tools/client/desk_client.h"
#include "tools/client/display_client.h"
#include "tools/client/http_get.h"

namespace rollcall::tests::integration {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using support::GatewayProcess;
using support::RedisClusterNodes;

constexpr int kBadges = 120;
constexpr int kDesks = 2;  // per event

struct Event {
  std::string id;
  std::uint16_t slot = 0;
  std::size_t node = 0;  // the primary owning the slot at the start
  std::string desk_token, display_token, organizer_token;
};

// The first event id "<prefix>-N" whose slot node `node` owns.
Event event_on(const RedisClusterNodes& cluster, const std::string& prefix, std::size_t node) {
  for (int i = 0;; ++i) {
    Event event{.id = prefix + "-" + std::to_string(i)};
    event.slot = redis::key_slot(event.id);
    event.node = cluster.owner(event.slot);
    if (event.node == node) return event;
  }
}

std::string registry_csv() {
  std::string csv = "badge_id,country,category,name,organization,revoked\n";
  for (int i = 0; i < kBadges; ++i) {
    csv += "B" + std::to_string(i) + "," + (i % 2 == 0 ? "CH" : "KE") + ",other,P" +
           std::to_string(i) + ",Org,\n";
  }
  return csv;
}

v1::ScanRequest scan_of(int badge, int desk) {
  v1::ScanRequest request;
  request.set_scan_id("scan-" + std::to_string(badge));
  request.set_badge_id("B" + std::to_string(badge));
  request.set_desk_id("desk-" + std::to_string(desk));
  request.set_zone("hall");
  request.set_direction(v1::in);
  return request;
}

// How many keys of `event` node `node` holds (KEYS is fine on a test's small data set).
std::size_t keys_on(RedisClusterNodes& cluster, std::size_t node, const Event& event) {
  const auto keys = cluster.node(node).command({"KEYS", "{" + event.id + "}*"});
  if (keys.empty()) return 0;
  return static_cast<std::size_t>(std::count(keys.begin(), keys.end(), '\n')) + 1;
}

TEST(RedisCluster, TwoEventsOnTwoShardsCountedOnceThroughASlotMove) {
  RedisClusterNodes cluster(3);
  std::vector<Event> events = {event_on(cluster, "shard", 0), event_on(cluster, "shard", 1)};
  const std::size_t spare = 2;  // the primary event 0's slot moves to
  const auto csv = registry_csv();
  // The tools may be given any node: they follow MOVED, and load the Functions library on each
  // node they reach (no gateway has loaded it yet).
  const auto other_than = [&](std::size_t node) { return (node + 1) % cluster.size(); };
  for (auto& event : events) {
    ASSERT_TRUE(support::import_registry(cluster.node(other_than(event.node)), event.id, csv,
                                         {.file_name = event.id + ".csv"}));
    std::string summary;
    ASSERT_EQ(support::run_program({ROLLCALL_EXPORT_BIN, "summary", "--event", event.id, "--redis",
                                    cluster.node(other_than(event.node)).url()},
                                   &summary),
              0)
        << summary;
    auto& owner = cluster.node(event.node);
    event.desk_token = support::issue_token(owner, event.id, v1::desk);
    event.display_token = support::issue_token(owner, event.id, v1::display);
    event.organizer_token = support::issue_token(owner, event.id, v1::organizer);
  }

  GatewayProcess gateway(cluster.url(), {"--tick-ms", "50"});

  std::vector<std::unique_ptr<tools::client::DisplayClient>> displays;
  for (const auto& event : events) {
    displays.push_back(std::make_unique<tools::client::DisplayClient>());
    displays.back()->set_token(event.display_token);
    displays.back()->connect("127.0.0.1", gateway.port(), event.id);
  }

  std::mutex answers_mutex;
  std::map<std::string, std::map<std::string, v1::ScanStatus>> answers;  // event -> scan -> status
  std::vector<std::unique_ptr<support::PersistentDesk>> desks;
  for (const auto& event : events) {
    for (int d = 0; d < kDesks; ++d) {
      desks.push_back(std::make_unique<support::PersistentDesk>());
      desks.back()->event = event.id;
      desks.back()->token = event.desk_token;
      desks.back()->port = gateway.port();
    }
  }
  std::atomic<int> during_move{0};
  std::atomic<bool> moving{false};
  // Every desk scans its share of badges [from, to) of its event, `pause` before each scan.
  const auto wave = [&](int from, int to, std::chrono::milliseconds pause) {
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < desks.size(); ++i) {
      threads.emplace_back([&, i] {
        auto& desk = *desks[i];
        const int d = static_cast<int>(i) % kDesks;
        for (int badge = from + d; badge < to; badge += kDesks) {
          std::this_thread::sleep_for(pause);
          const bool started_moving = moving.load();
          const auto result = desk.send(scan_of(badge, d), 5s, 100ms);
          if (started_moving) ++during_move;
          std::lock_guard lock(answers_mutex);
          answers[desk.event][result.scan_id()] = result.status();
        }
      });
    }
    for (auto& thread : threads) thread.join();
  };

  wave(0, kBadges / 2, 0ms);
  // Paced so that the desks are still scanning while the slot moves (about half a second).
  std::thread second([&] { wave(kBadges / 2, kBadges, 25ms); });
  std::this_thread::sleep_for(100ms);
  moving = true;
  const auto moved = cluster.move_slot(events[0].slot, spare, 10, [] {
    std::this_thread::sleep_for(20ms);  // desks go on meanwhile
  });
  moving = false;
  second.join();
  ASSERT_TRUE(cluster.wait_until_agreed(10s, events[0].slot, spare));
  EXPECT_GT(moved, static_cast<std::size_t>(kBadges)) << "the event's keys moved";
  EXPECT_GT(during_move.load(), 0) << "scans were answered while the slot moved";

  for (const auto& event : events) {
    SCOPED_TRACE(event.id);
    ASSERT_EQ(answers[event.id].size(), static_cast<std::size_t>(kBadges));
    for (const auto& [scan_id, status] : answers[event.id]) {
      EXPECT_EQ(status, v1::accepted) << scan_id;
    }
    // A followed event's HTTP totals are the gateway's folded change notices, which cross the
    // cluster bus from the event's primary to the subscriber's node after the scan's answer:
    // they may lag a moment, never differ.
    v1::Totals totals;
    for (const auto deadline = Clock::now() + 10s; Clock::now() < deadline;) {
      totals = support::http_totals(gateway, "/v1/events/" + event.id + "/totals",
                                    event.organizer_token);
      if (totals.scans_by_status().contains("accepted") &&
          totals.scans_by_status().at("accepted") >= kBadges) {
        break;
      }
      std::this_thread::sleep_for(50ms);
    }
    EXPECT_EQ(totals.onsite(), kBadges);
    EXPECT_EQ(totals.inside_now(), kBadges);
    EXPECT_EQ(totals.onsite_by_country().at("CH"), kBadges / 2);
    EXPECT_EQ(totals.scans_by_status().at("accepted"), kBadges);
  }
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_TRUE(displays[i]->wait_until(
        [&](const v1::Totals& t) { return t.onsite() == kBadges && t.inside_now() == kBadges; },
        15s))
        << events[i].id << " shows " << displays[i]->state().onsite();
  }

  // The audit recount through the node event 0 left, which owns neither event now: the log and
  // the counters agree.
  for (const auto& event : events) {
    std::string verdict;
    EXPECT_EQ(support::run_program({ROLLCALL_EXPORT_BIN, "verify", "--event", event.id, "--redis",
                                    cluster.node(events[0].node).url()},
                                   &verdict),
              0)
        << verdict;
  }

  // Each event's keys live on its shard only: event 0's on the spare primary now.
  const std::vector<std::size_t> shards = {spare, events[1].node};
  for (std::size_t e = 0; e < events.size(); ++e) {
    for (std::size_t node = 0; node < cluster.size(); ++node) {
      const auto held = keys_on(cluster, node, events[e]);
      if (node == shards[e]) {
        EXPECT_GT(held, static_cast<std::size_t>(kBadges)) << events[e].id << " on " << node;
      } else {
        EXPECT_EQ(held, 0u) << events[e].id << " on " << node;
      }
    }
  }
  // The registry reads (rollcall_registry, not SORT ... GET, which a cluster denies) work on
  // both shards: the registered count and the attendee export list every badge.
  for (const auto& event : events) {
    const auto info =
        tools::client::http_get("127.0.0.1", gateway.port(), "/v1/events/" + event.id + "/info",
                                tools::client::bearer(event.organizer_token), 5s);
    EXPECT_EQ(info.status, 200) << info.body;
    EXPECT_NE(info.body.find("\"registered\":" + std::to_string(kBadges) + "}"), std::string::npos)
        << info.body;
    const auto attendees = tools::client::http_get(
        "127.0.0.1", gateway.port(), "/v1/events/" + event.id + "/exports/attendees.csv",
        tools::client::bearer(event.organizer_token), 20s);
    EXPECT_EQ(attendees.status, 200) << attendees.body.substr(0, 300);
    EXPECT_EQ(std::count(attendees.body.begin(), attendees.body.end(), '\n'), kBadges + 1)
        << attendees.body.substr(0, 300);
  }
  const auto metrics = tools::client::http_get("127.0.0.1", gateway.port(), "/metrics", 5s).body;
  EXPECT_EQ(metrics.find("rollcall_redis_failures_total{site="), std::string::npos) << metrics;
  // The move shows on /metrics: scans sent to the old owner were redirected (MOVED), or sent to
  // the new one with ASKING, or held back while the slot moved.
  const auto redirects = support::metric_value(metrics, "rollcall_redis_cluster_redirects_total");
  const auto waits = support::metric_value(metrics, "rollcall_redis_cluster_slot_waits_total");
  EXPECT_GT(redirects + waits, 0u) << metrics;
  EXPECT_NE(metrics.find("rollcall_redis_cluster_refused_total 0\n"), std::string::npos) << metrics;
  int resent = -2 * kBadges;  // attempts beyond the first of each scan
  for (const auto& desk : desks) resent += desk->attempts;
  std::cout << "[ redis cluster ] " << 2 * kBadges << " scans on 2 shards; " << moved << " keys of "
            << events[0].id << " moved to another primary; " << during_move.load()
            << " scans answered during the move; " << resent << " resent after unavailable; "
            << redirects << " redirects, " << waits << " waits\n";
}

// Every primary of a cluster holds events, so each must keep what --durability requires: one
// that keeps less (here the third, not the URL's first node) is named and refused.
TEST(RedisCluster, AGatewayRefusesAClusterWithOnePrimaryKeepingLessThanItRequires) {
  RedisClusterNodes cluster(3);
  const auto weak = "127.0.0.1:" + std::to_string(cluster.node(2).port());
  ASSERT_EQ(cluster.node(2).command({"CONFIG", "SET", "appendonly", "no"}), "OK");
  try {
    GatewayProcess refused(cluster.url());
    ADD_FAILURE() << "the gateway served a cluster with a primary without AOF";
  } catch (const std::runtime_error& e) {
    const std::string log = e.what();
    EXPECT_NE(log.find("refusing to serve: " + weak + ": "), std::string::npos) << log;
    EXPECT_NE(log.find("appendonly"), std::string::npos) << log;
  }
  ASSERT_EQ(cluster.node(2).command({"CONFIG", "SET", "appendonly", "yes"}), "OK");
  GatewayProcess served(cluster.url());
  EXPECT_TRUE(served.alive());
}

// A primary killed mid-event. With --redis-wait-replicas 1 a scan is answered only once its
// primary's replica has it, so the replica that takes over holds every answered scan; scans in
// flight are answered `unavailable` and resent with their scan_id (counted at most once). The
// new primary has no replica until the old one returns (restarted from its AOF, as an operator
// would, it rejoins as the new primary's replica): until then scans wait and are resent too.
// The event's primary is node `node` of the cluster, killed while desks scan; node 0 is the first
// of the URL, where the gateway's subscription to the notices starts.
void kill_the_events_primary(std::size_t node) {
  RedisClusterNodes cluster(3, 1, 1000ms);
  ASSERT_EQ(cluster.node(node).command({"ROLE"}).substr(0, 6), "master");
  Event event = event_on(cluster, "failover", node);
  auto& primary = cluster.node(event.node);
  ASSERT_TRUE(support::import_registry(primary, event.id, registry_csv(), {.file_name = "f.csv"}));
  event.desk_token = support::issue_token(primary, event.id, v1::desk);
  event.display_token = support::issue_token(primary, event.id, v1::display);
  event.organizer_token = support::issue_token(primary, event.id, v1::organizer);
  ASSERT_TRUE(cluster.wait_until_replicated(event.node, 30s))
      << "no replica of the event's primary has the registry";

  GatewayProcess gateway(cluster.url(), {"--tick-ms", "50", "--redis-wait-replicas", "1"});
  tools::client::DisplayClient display;
  display.set_token(event.display_token);
  display.connect("127.0.0.1", gateway.port(), event.id);

  std::mutex answers_mutex;
  std::map<std::string, v1::ScanStatus> answers;
  Clock::duration longest_wait{};  // a scan's, until its final answer
  std::vector<std::unique_ptr<support::PersistentDesk>> desks;
  for (int d = 0; d < kDesks; ++d) {
    desks.push_back(std::make_unique<support::PersistentDesk>());
    desks.back()->event = event.id;
    desks.back()->token = event.desk_token;
    desks.back()->port = gateway.port();
  }
  const auto wave = [&](int from, int to, std::chrono::milliseconds pause) {
    std::vector<std::thread> threads;
    for (int d = 0; d < kDesks; ++d) {
      threads.emplace_back([&, d] {
        for (int badge = from + d; badge < to; badge += kDesks) {
          std::this_thread::sleep_for(pause);
          const auto sent = Clock::now();
          const auto result = desks[d]->send(scan_of(badge, d), 5s, 100ms);
          std::lock_guard lock(answers_mutex);
          answers[result.scan_id()] = result.status();
          longest_wait = std::max(longest_wait, Clock::now() - sent);
        }
      });
    }
    for (auto& thread : threads) thread.join();
  };

  // Onsite as the slot's primary holds it now; -1 while no running node answers for the slot.
  // Read from Redis, not through the gateway: the figure the gateway's answers are checked
  // against.
  const auto stored_onsite = [&]() -> std::int64_t {
    try {
      const auto owner = cluster.owner(event.slot);
      if (owner >= cluster.size() || !cluster.node(owner).running()) return -1;
      const auto value =
          cluster.node(owner).command({"HGET", services::store::counters_key(event.id), "onsite"});
      return value.empty() ? 0 : std::stoll(value);
    } catch (const std::exception&) {
      return -1;  // a MOVED while the map changes, or a node going away
    }
  };
  wave(0, kBadges / 3, 0ms);
  std::thread second([&] { wave(kBadges / 3, 2 * kBadges / 3, 20ms); });
  // However the test ends, the desks get their answers (they need the old primary back).
  const std::shared_ptr<void> finish_wave(nullptr, [&](void*) {
    if (!primary.running()) primary.start();
    if (second.joinable()) second.join();
    if (::testing::Test::HasFailure()) std::cout << gateway.log();
  });
  std::this_thread::sleep_for(150ms);
  const auto killed_at = Clock::now();
  primary.kill();  // SIGKILL
  std::size_t new_owner = cluster.size();
  for (const auto deadline = Clock::now() + 30s; Clock::now() < deadline;) {
    new_owner = cluster.owner(event.slot);
    if (new_owner != event.node && new_owner < cluster.size()) break;
    std::this_thread::sleep_for(50ms);
  }
  const auto promoted_after = std::chrono::duration<double>(Clock::now() - killed_at).count();
  ASSERT_NE(new_owner, event.node) << "no replica took the slot over";
  ASSERT_LT(new_owner, cluster.size());
  // Before the old primary is back, the new one runs scans (answered `unavailable` only for
  // want of a replica) and the display follows them: the gateway's subscription left the killed
  // node. Each desk is stuck on its scan meanwhile, so a probe sends scans of badges of the last
  // wave once each (the wave resends them later: they count once); more of them than the desks
  // could have left unreplicated on the old primary, so the display can only reach the new
  // count through notices from the new primary.
  std::int64_t before = -1;
  for (const auto deadline = Clock::now() + 15s; Clock::now() < deadline && before < 0;) {
    std::this_thread::sleep_for(50ms);
    before = stored_onsite();
  }
  ASSERT_GE(before, 0) << "no replica answers for the slot";
  std::this_thread::sleep_for(2s);  // the reload that follows the link's return is done
  before = stored_onsite();
  constexpr int kProbes = kDesks + 2;
  tools::client::DeskClient probe;
  probe.set_token(event.desk_token);
  probe.connect("127.0.0.1", gateway.port(), event.id);
  for (int badge = 2 * kBadges / 3; badge < 2 * kBadges / 3 + kProbes; ++badge) {
    probe.scan(scan_of(badge, badge % kDesks), 30s);
  }
  const auto counted = stored_onsite();
  ASSERT_GE(counted, before + kProbes) << "the new primary did not run the probe's scans";
  EXPECT_TRUE(display.wait_until([&](const v1::Totals& t) { return t.onsite() >= counted; }, 20s))
      << "the display stays at " << display.state().onsite() << " while " << counted
      << " are counted";
  // Reads through the gateway are answered while the desks' scans still find no replica (a
  // totals GET once timed out here behind WAITs; the link now sends those writes without WAIT:
  // RedisWait.WhileTheReplicaIsAway... counts the WAITs).
  EXPECT_GE(
      support::http_totals(gateway, "/v1/events/" + event.id + "/totals", event.organizer_token)
          .onsite(),
      counted);
  primary.start();  // back from its AOF, as the new primary's replica
  second.join();
  wave(2 * kBadges / 3, kBadges, 0ms);

  ASSERT_EQ(answers.size(), static_cast<std::size_t>(kBadges));
  for (const auto& [scan_id, status] : answers) EXPECT_EQ(status, v1::accepted) << scan_id;
  v1::Totals totals;
  for (const auto deadline = Clock::now() + 10s; Clock::now() < deadline;) {
    totals =
        support::http_totals(gateway, "/v1/events/" + event.id + "/totals", event.organizer_token);
    if (totals.onsite() >= kBadges) break;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(totals.onsite(), kBadges);
  EXPECT_EQ(totals.inside_now(), kBadges);
  EXPECT_EQ(totals.onsite_by_country().at("CH"), kBadges / 2);
  EXPECT_EQ(totals.scans_by_status().at("accepted"), kBadges);
  EXPECT_TRUE(display.wait_until(
      [&](const v1::Totals& t) { return t.onsite() == kBadges && t.inside_now() == kBadges; }, 15s))
      << "the display shows " << display.state().onsite();
  EXPECT_EQ(primary.command({"ROLE"}).substr(0, 5), "slave") << "the old primary came back";

  const auto metrics = tools::client::http_get("127.0.0.1", gateway.port(), "/metrics", 5s).body;
  EXPECT_NE(metrics.find("rollcall_redis_ready 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("rollcall_redis_cluster_refused_total 0\n"), std::string::npos) << metrics;
  int resent = -kBadges;
  for (const auto& desk : desks) resent += desk->attempts;
  EXPECT_GT(resent, 0) << "no scan was caught by the failover: the test proved nothing";
  std::cout << "[ redis cluster failover ] " << kBadges << " scans; primary " << event.node
            << " killed, replica " << new_owner << " owned the slot after " << promoted_after
            << " s; " << resent << " resent; the longest a scan waited: "
            << std::chrono::duration<double>(longest_wait).count() << " s; all counted once\n";
}

// The subscriber's node itself: the subscription must move too.
TEST(RedisCluster, AKilledPrimarysReplicaTakesOverAndEveryScanCountsOnce) {
  kill_the_events_primary(0);
}

// Another primary: the subscription stays where it is, and the notices the killed node had not
// passed on over the cluster bus are lost; the display still reaches the count (the link's
// return reloads every event's totals).
TEST(RedisCluster, APrimaryKilledBesideTheSubscribersNodeLeavesNoDisplayBehind) {
  kill_the_events_primary(1);
}

}  // namespace
}  // namespace rollcall::tests::integration
