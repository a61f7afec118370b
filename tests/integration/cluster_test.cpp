// Scale-out on loopback: a Redis primary, its replica and three Sentinels; three gateways that
// find the primary through the Sentinels and acknowledge a scan only once the replica has it
// (WAIT); HAProxy (deploy/haproxy/haproxy.cfg, unchanged) in front. Desks and displays connect
// through HAProxy only. A gateway is killed, then the Redis primary: every acknowledged scan is
// counted exactly once and every display converges to the same snapshot.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "services/store/keys.h"
#include "services/wire/codec.h"
#include "tests/support/gateway_process.h"
#include "tests/support/http_totals.h"
#include "tests/support/persistent_desk.h"
#include "tests/support/redis_server.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/replication_cluster.h"
#include "tests/support/tokens.h"
#include "tools/client/desk_client.h"
#include "tools/client/display_client.h"
#include "tools/client/errors.h"
#include "tools/client/http_get.h"

extern char** environ;

namespace rollcall::tests::integration {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using support::GatewayProcess;
using support::ReplicationCluster;

constexpr const char* kEvent = "cluster-2025";
constexpr int kBadges = 240;

// HAProxy with the repository's configuration, pointed at three gateways by its environment.
class Haproxy {
 public:
  Haproxy(const std::vector<unsigned short>& gateways) : port_(support::free_loopback_port()) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) env.emplace_back(*e);
    env.push_back("ROLLCALL_HAPROXY_BIND=127.0.0.1:" + std::to_string(port_));
    env.push_back("ROLLCALL_HAPROXY_STATS=127.0.0.1:" +
                  std::to_string(support::free_loopback_port()));
    env.push_back("ROLLCALL_HAPROXY_MAXCONN=2000");  // within this machine's open-file limit
    for (std::size_t i = 0; i < gateways.size(); ++i) {
      env.push_back("ROLLCALL_GATEWAY_" + std::to_string(i + 1) +
                    "=127.0.0.1:" + std::to_string(gateways[i]));
    }
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::string config = ROLLCALL_HAPROXY_CONFIG;
    std::vector<char*> argv = {const_cast<char*>("haproxy"), const_cast<char*>("-db"),
                               const_cast<char*>("-f"), config.data(), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);  // its access log
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    const int error = posix_spawnp(&pid_, "haproxy", &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0) throw std::runtime_error("cannot start haproxy");
  }
  ~Haproxy() {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  unsigned short port() const { return port_; }

 private:
  unsigned short port_;
  pid_t pid_ = -1;
};

v1::ScanRequest scan_of(int badge) {
  v1::ScanRequest request;
  request.set_scan_id("scan-" + std::to_string(badge));
  request.set_badge_id("B" + std::to_string(badge));
  request.set_desk_id("desk-" + std::to_string(badge % 4));
  request.set_zone("hall");
  request.set_direction(v1::in);
  return request;
}

TEST(Cluster, ScansSurviveAGatewayAndARedisFailoverExactlyOnce) {
  ReplicationCluster cluster(3);
  ASSERT_TRUE(cluster.wait_until_ready(30s));

  std::string csv = "badge_id,country,category,name,organization,revoked\n";
  for (int i = 0; i < kBadges; ++i) {
    csv += "B" + std::to_string(i) + "," +
           (i % 3 == 0   ? "CH"
            : i % 3 == 1 ? "KE"
                         : "BR") +
           ",other,P" + std::to_string(i) + ",Org,\n";
  }
  ASSERT_TRUE(support::import_registry(cluster.primary(), kEvent, csv));
  const auto desk_token = support::issue_token(cluster.primary(), kEvent, v1::desk);
  const auto display_token = support::issue_token(cluster.primary(), kEvent, v1::display);
  const auto organizer_token = support::issue_token(cluster.primary(), kEvent, v1::organizer);

  // Three gateways that find the primary through the Sentinels and wait for the replica.
  std::vector<std::unique_ptr<GatewayProcess>> gateways;
  for (int i = 0; i < 3; ++i) {
    gateways.push_back(std::make_unique<GatewayProcess>(
        cluster.sentinel_url(),
        std::vector<std::string>{"--tick-ms", "50", "--redis-wait-replicas", "1"}));
  }
  Haproxy haproxy({gateways[0]->port(), gateways[1]->port(), gateways[2]->port()});
  // HAProxy's health checks need a moment before every gateway takes traffic.
  bool through = false;
  for (int i = 0; i < 100 && !through; ++i) {
    try {
      through = tools::client::http_get("127.0.0.1", haproxy.port(), "/readyz", 2s).status == 200;
    } catch (const std::exception&) {
    }
    if (!through) std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(through) << "HAProxy never passed /readyz through";

  std::vector<std::unique_ptr<tools::client::DisplayClient>> displays;
  for (int i = 0; i < 3; ++i) {
    displays.push_back(std::make_unique<tools::client::DisplayClient>());
    displays.back()->set_token(display_token);
    displays.back()->connect("127.0.0.1", haproxy.port(), kEvent);
  }

  // Four desks scan every badge in once, in three waves with a fault after the first two.
  std::map<std::string, v1::ScanStatus> answers;
  std::mutex answers_mutex;
  std::vector<support::PersistentDesk> desks(4);
  for (auto& d : desks) {
    d.event = kEvent;
    d.token = desk_token;
    d.port = haproxy.port();
  }
  const auto wave = [&](int from, int to) {
    std::vector<std::thread> threads;
    for (int d = 0; d < 4; ++d) {
      threads.emplace_back([&, d] {
        for (int b = from + d; b < to; b += 4) {
          const auto result = desks[d].send(scan_of(b));
          std::lock_guard lock(answers_mutex);
          answers[result.scan_id()] = result.status();
        }
      });
    }
    for (auto& t : threads) t.join();
  };
  std::thread first([&] { wave(0, kBadges / 3); });
  std::this_thread::sleep_for(300ms);
  gateways[0]->stop(SIGKILL);  // clients on it reconnect through HAProxy to the others
  first.join();
  std::thread second([&] { wave(kBadges / 3, 2 * kBadges / 3); });
  std::this_thread::sleep_for(300ms);
  const auto failover_started = Clock::now();
  cluster.primary().kill(SIGKILL);  // the Sentinels promote the replica; gateways follow
  // With WAIT, writes need a replica: the old primary comes back (from its AOF) and the
  // Sentinels make it the new primary's replica, as an operator's restart would.
  std::this_thread::sleep_for(5s);
  cluster.primary().start();
  second.join();
  wave(2 * kBadges / 3, kBadges);
  const auto seconds = std::chrono::duration<double>(Clock::now() - failover_started).count();

  // Every scan has its final answer: accepted exactly once per badge (a retry of a scan the old
  // primary had already replicated comes back as the same result, marked replay).
  ASSERT_EQ(answers.size(), static_cast<std::size_t>(kBadges));
  for (const auto& [scan_id, status] : answers) EXPECT_EQ(status, v1::accepted) << scan_id;
  int attempts = 0;
  for (const auto& d : desks) attempts += d.attempts;

  // The new primary, asked through the Sentinels' answer, holds exactly the truth.
  const auto totals =
      support::http_totals("127.0.0.1", haproxy.port(),
                           std::string("/v1/events/") + kEvent + "/totals", organizer_token, 10s);
  EXPECT_EQ(totals.onsite(), kBadges);
  EXPECT_EQ(totals.inside_now(), kBadges);
  EXPECT_EQ(totals.onsite_by_country().at("CH"), kBadges / 3);
  EXPECT_EQ(totals.scans_by_status().at("accepted"), kBadges);

  // Every display (reconnected through HAProxy where its gateway died) shows the same state.
  for (auto& display : displays) {
    bool converged = false;
    for (int attempt = 0; attempt < 5 && !converged; ++attempt) {
      try {
        converged =
            display->wait_until([&](const v1::Totals& t) { return t.onsite() == kBadges; }, 15s);
      } catch (const tools::client::ClosedError&) {
        display = std::make_unique<tools::client::DisplayClient>();
        display->set_token(display_token);
        display->connect("127.0.0.1", haproxy.port(), kEvent);
      }
    }
    EXPECT_TRUE(converged);
    auto shown = display->state();
    auto expected = totals;
    shown.clear_as_of();
    expected.clear_as_of();
    shown.clear_seq();
    expected.clear_seq();
    EXPECT_EQ(shown.onsite(), expected.onsite());
    const auto as_map = [](const auto& counts) {
      return std::map<std::string, int>(counts.begin(), counts.end());
    };
    EXPECT_EQ(as_map(shown.onsite_by_country()), as_map(expected.onsite_by_country()));
    EXPECT_EQ(shown.inside_now(), expected.inside_now());
  }
  std::cout << "[ cluster ] " << kBadges << " scans through HAProxy, " << attempts
            << " attempts; 1 gateway and the Redis primary killed; all counted once; last "
               "two waves took "
            << seconds << " s\n";
}

}  // namespace
}  // namespace rollcall::tests::integration
