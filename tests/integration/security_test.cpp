// Trust, end to end: every role against every endpoint, expired and revoked tokens, signed badge
// codes (genuine, forged, altered, out of their days), flooding and oversized clients beside a
// well-behaved one, connection limits, and the durability check at start-up. Real redis-server,
// real rollcall-import, rollcall-admin and rollcall-gateway.
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "services/auth/token.h"
#include "services/badges/badge_code.h"
#include "services/badges/key_pair.h"
#include "services/store/keys.h"
#include "services/wire/codec.h"
#include "tests/support/gateway_process.h"
#include "tests/support/http_totals.h"
#include "tests/support/redis_server.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/tokens.h"
#include "tools/client/desk_client.h"
#include "tools/client/display_client.h"
#include "tools/client/errors.h"
#include "tools/client/http_get.h"
#include "tools/client/target.h"
#include "tools/client/websocket_connection.h"

namespace rollcall::tests::integration {
namespace {

using namespace std::chrono_literals;
using google::protobuf::util::TimeUtil;
using support::GatewayProcess;
using support::RedisServer;
using tools::client::ClosedError;
using tools::client::DeskClient;
using tools::client::HandshakeError;
using tools::client::WebSocketConnection;

constexpr const char* kEvent = "trust-2025";
constexpr const char* kRegistry =
    "badge_id,country,category,name,organization,revoked\n"
    "M1,CH,minister,Anna Muster,Federal Council,\n"
    "M2,KE,minister,Amina Odhiambo,Ministry of ICT,\n"
    "R1,FR,regulator,Jean Martin,Arcep,\n"
    "X1,DE,other,Revoked Person,Nowhere,true\n";

// Runs `program`, expecting success; returns its standard output and error.
std::string run_ok(const std::vector<std::string>& argv) {
  std::string output;
  EXPECT_EQ(support::run_program(argv, &output), 0) << output;
  return output;
}

class Security : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(support::import_registry(redis_, kEvent, kRegistry));
    ASSERT_TRUE(support::import_registry(redis_, "other-2025", kRegistry));
    for (const auto role : {v1::desk, v1::platform, v1::display, v1::organizer}) {
      tokens_[role] = support::issue_token(redis_, kEvent, role);
    }
  }

  GatewayProcess& gateway(std::vector<std::string> args = {}) {
    args.insert(args.end(), {"--tick-ms", "20"});
    gateways_.push_back(std::make_unique<GatewayProcess>(redis_.url(), args));
    return *gateways_.back();
  }

  // 0 when the channel stays open for this token, else the close code the gateway sent.
  static int channel_verdict(GatewayProcess& g, const std::string& path, const std::string& token,
                             std::string* reason = nullptr) {
    WebSocketConnection connection;
    connection.set_token(token);
    connection.connect(g.host(), g.port(), tools::client::channel_target(path, kEvent), "", 5s);
    try {
      connection.read(1s);  // a display's snapshot, or nothing: either way it was let in
    } catch (const ClosedError&) {
      if (reason) *reason = connection.close_info()->reason;
      return connection.close_info()->code;
    }
    return 0;
  }

  static int http_verdict(GatewayProcess& g, const std::string& resource,
                          const std::string& token) {
    return tools::client::http_get(g.host(), g.port(),
                                   std::string("/v1/events/") + kEvent + resource,
                                   tools::client::bearer(token), 20s)
        .status;
  }

  static v1::ScanRequest scan(const std::string& scan_id, const std::string& badge) {
    v1::ScanRequest request;
    request.set_scan_id(scan_id);
    request.set_badge_id(badge);
    request.set_desk_id("desk-1");
    request.set_zone("hall");
    request.set_direction(v1::in);
    return request;
  }

  static std::string metrics(GatewayProcess& g) {
    return tools::client::http_get(g.host(), g.port(), "/metrics").body;
  }

  RedisServer redis_;
  std::map<v1::Role, std::string> tokens_;
  std::vector<std::unique_ptr<GatewayProcess>> gateways_;
};

TEST_F(Security, EveryRoleReachesExactlyItsEndpoints) {
  auto& g = gateway();
  const std::map<std::string, std::string> identities = {
      {"desk", tokens_[v1::desk]},
      {"platform", tokens_[v1::platform]},
      {"display", tokens_[v1::display]},
      {"organizer", tokens_[v1::organizer]},
      {"none", ""},
      {"garbage", "rc_this-token-was-never-issued"},
      {"other event's organizer", support::issue_token(redis_, "other-2025", v1::organizer)},
  };
  // Which identities each endpoint lets in; everyone else is refused.
  const std::map<std::string, std::set<std::string>> allowed = {
      {"/v1/desk", {"desk"}},
      {"/v1/online", {"platform"}},
      {"/v1/display", {"display", "organizer"}},
      {"/totals", {"display", "organizer"}},
      {"/info", {"display", "organizer"}},
      {"/badge-keys", {"desk", "organizer"}},
      {"/exports/countries.csv", {"organizer"}},
      {"/scans/rejected", {"organizer"}},
  };
  for (const auto& [who, token] : identities) {
    const bool has_role =
        who == "desk" || who == "platform" || who == "display" || who == "organizer";
    for (const auto& [endpoint, let_in] : allowed) {
      SCOPED_TRACE(who + " -> " + endpoint);
      const bool expected = let_in.contains(who);
      if (endpoint.starts_with("/v1/")) {
        std::string reason;
        const int code = channel_verdict(g, endpoint, token, &reason);
        if (expected) {
          EXPECT_EQ(code, 0) << reason;
        } else {
          // Wrong role: 4403; no valid token for this event at all: 4401.
          EXPECT_EQ(code, has_role ? 4403 : 4401) << reason;
        }
      } else {
        const int status = http_verdict(g, endpoint, token);
        EXPECT_EQ(status, expected ? 200 : has_role ? 403 : 401);
      }
    }
  }
  // Every refusal was counted, by reason.
  const auto exposition = metrics(g);
  EXPECT_NE(exposition.find("rollcall_auth_failures_total{reason=\"forbidden\"}"),
            std::string::npos)
      << exposition;
  EXPECT_NE(exposition.find("rollcall_auth_failures_total{reason=\"missing\"}"), std::string::npos);
  EXPECT_NE(exposition.find("rollcall_auth_failures_total{reason=\"unknown\"}"), std::string::npos);
}

TEST_F(Security, ExpiredAndRevokedTokensAreRefusedAndARevokedDeskIsCutOff) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  v1::TokenRecord expired;
  expired.set_role(v1::display);
  *expired.mutable_expires_at() = TimeUtil::SecondsToTimestamp(now - 60);
  v1::TokenRecord revoked;
  revoked.set_role(v1::display);
  *revoked.mutable_revoked_at() = TimeUtil::SecondsToTimestamp(now - 60);
  v1::TokenRecord later;
  later.set_role(v1::display);
  *later.mutable_expires_at() = TimeUtil::SecondsToTimestamp(now + 3600);

  auto& g = gateway();
  std::string reason;
  EXPECT_EQ(
      channel_verdict(g, "/v1/display", support::issue_token(redis_, kEvent, expired), &reason),
      4401);
  EXPECT_NE(reason.find("expired"), std::string::npos) << reason;
  EXPECT_EQ(
      channel_verdict(g, "/v1/display", support::issue_token(redis_, kEvent, revoked), &reason),
      4401);
  EXPECT_NE(reason.find("revoked"), std::string::npos) << reason;
  EXPECT_EQ(channel_verdict(g, "/v1/display", support::issue_token(redis_, kEvent, later)), 0);

  // A desk whose token an organizer revokes (rollcall-admin) is cut off while connected.
  const auto token = support::issue_token(redis_, kEvent, v1::desk);
  DeskClient desk;
  desk.set_token(token);
  desk.connect(g.host(), g.port(), kEvent);
  EXPECT_EQ(desk.scan(scan("before", "M1")).status(), v1::accepted);
  run_ok({ROLLCALL_ADMIN_BIN, "token", "revoke", "--redis", redis_.url(), "--event", kEvent, "--id",
          services::auth::token_id(services::auth::token_hash(token))});
  const auto revoked_at = std::chrono::steady_clock::now();
  int n = 0;
  bool cut = false;
  while (!cut && std::chrono::steady_clock::now() - revoked_at < 30s) {
    try {
      desk.scan(scan("after-" + std::to_string(n++), "M2"));
      std::this_thread::sleep_for(200ms);
    } catch (const ClosedError&) {
      cut = true;
    }
  }
  ASSERT_TRUE(cut) << "the desk still scans 30 s after its token was revoked";
  EXPECT_EQ(desk.close_info()->code, 4401);
  std::cout << "[ revoke  ] desk cut off "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - revoked_at)
                   .count()
            << " ms after revocation (tokens are cached for at most 5 s)\n";
  // And it cannot come back.
  DeskClient again;
  again.set_token(token);
  again.connect(g.host(), g.port(), kEvent);
  EXPECT_THROW(again.scan(scan("again", "M2")), ClosedError);
  EXPECT_EQ(again.close_info()->code, 4401);
}

// A platform bridge is its token too: revoked, it is cut off while connected, as a desk is.
TEST_F(Security, ARevokedBridgeIsCutOff) {
  auto& g = gateway();
  const auto token = support::issue_token(redis_, kEvent, v1::platform);
  WebSocketConnection bridge;
  bridge.set_token(token);
  bridge.connect(g.host(), g.port(), tools::client::channel_target("/v1/online", kEvent), "", 5s);
  const auto send_join = [&](int n) {
    v1::OnlineRequest request;
    auto* item = request.mutable_batch()->add_events();
    item->set_kind(v1::join);
    item->set_presence_id("revoke-" + std::to_string(n));
    item->set_participant_id("p" + std::to_string(n));
    item->set_country("CH");
    item->set_platform("zoom");
    bridge.write(request.SerializeAsString(), false, 5s);
    const auto frame = bridge.read(5s);
    if (!frame) throw std::runtime_error("no answer to a batch");
    v1::OnlineReply reply;
    EXPECT_TRUE(reply.ParseFromString(frame->data));
    return reply;
  };
  EXPECT_EQ(send_join(0).result().acks(0).status(), v1::PresenceAck::joined);
  run_ok({ROLLCALL_ADMIN_BIN, "token", "revoke", "--redis", redis_.url(), "--event", kEvent, "--id",
          services::auth::token_id(services::auth::token_hash(token))});
  const auto revoked_at = std::chrono::steady_clock::now();
  bool cut = false;
  for (int n = 1; !cut && std::chrono::steady_clock::now() - revoked_at < 30s; ++n) {
    try {
      send_join(n);
      std::this_thread::sleep_for(200ms);
    } catch (const ClosedError&) {
      cut = true;
    }
  }
  ASSERT_TRUE(cut) << "the bridge still reports presence 30 s after its token was revoked";
  EXPECT_EQ(bridge.close_info()->code, 4401);
  EXPECT_NE(bridge.close_info()->reason.find("revoked"), std::string::npos)
      << bridge.close_info()->reason;
}

// Displays and beacons send nothing their token could be checked on again: the gateway reads
// their tokens again by itself (TokenWatch), so a revoked one is cut off as a bridge is, and a
// beacon's leave is counted.
TEST_F(Security, ARevokedDisplayOrBeaconTokenIsCutOff) {
  auto& g = gateway();
  const auto display_token = support::issue_token(redis_, kEvent, v1::display);
  const auto platform_token = support::issue_token(redis_, kEvent, v1::platform);
  WebSocketConnection display, kept, beacon;
  display.set_token(display_token);
  display.connect(g.host(), g.port(), tools::client::channel_target("/v1/display", kEvent), "", 5s);
  kept.set_token(tokens_[v1::display]);
  kept.connect(g.host(), g.port(), tools::client::channel_target("/v1/display", kEvent), "", 5s);
  beacon.set_token(platform_token);
  beacon.connect(g.host(), g.port(),
                 tools::client::channel_target("/v1/online", kEvent) +
                     "&participant=revoked-beacon&country=CH",
                 "", 5s);
  ASSERT_TRUE(display.read(5s)) << "the display's snapshot";
  ASSERT_TRUE(kept.read(5s)) << "the display's snapshot";
  const auto online_now = [&] {
    return support::http_totals(g, std::string("/v1/events/") + kEvent + "/totals",
                                tokens_[v1::organizer])
        .online_now();
  };
  for (const auto deadline = std::chrono::steady_clock::now() + 10s;
       online_now() != 1 && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(online_now(), 1) << "the beacon joined";

  for (const auto& token : {display_token, platform_token}) {
    run_ok({ROLLCALL_ADMIN_BIN, "token", "revoke", "--redis", redis_.url(), "--event", kEvent,
            "--id", services::auth::token_id(services::auth::token_hash(token))});
  }
  // Read until closed: the watch reads the tokens every 5 s, the cache may be 5 s old.
  const auto closed_within = [](WebSocketConnection& connection, std::chrono::seconds limit) {
    for (const auto deadline = std::chrono::steady_clock::now() + limit;
         std::chrono::steady_clock::now() < deadline;) {
      try {
        connection.read(500ms);
      } catch (const ClosedError&) {
        return true;
      }
    }
    return false;
  };
  ASSERT_TRUE(closed_within(display, 30s)) << "the display still watches 30 s after revocation";
  EXPECT_EQ(display.close_info()->code, 4401);
  EXPECT_NE(display.close_info()->reason.find("revoked"), std::string::npos)
      << display.close_info()->reason;
  ASSERT_TRUE(closed_within(beacon, 10s)) << "the beacon is still open after the display closed";
  EXPECT_EQ(beacon.close_info()->code, 4401);
  for (const auto deadline = std::chrono::steady_clock::now() + 10s;
       online_now() != 0 && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(online_now(), 0) << "the beacon's leave is counted";
  // A display of another token is kept.
  EXPECT_FALSE(closed_within(kept, 1s));
  EXPECT_TRUE(kept.is_open());
  // Both closes counted, apart from refused credentials (no attack to alert on).
  const auto exposition = metrics(g);
  EXPECT_NE(exposition.find("rollcall_token_refused_closes_total{reason=\"revoked\"} 2"),
            std::string::npos)
      << exposition;
  EXPECT_EQ(exposition.find("rollcall_auth_failures_total{reason=\"revoked\"}"), std::string::npos);
}

TEST_F(Security, OnlyGenuineBadgeCodesForTheDayAreCounted) {
  const auto key = services::badges::generate_key_pair();
  v1::BadgeKey stored;
  stored.set_key_id(key.key_id);
  stored.set_public_key(key.public_key);
  redis_.command({"HSET", services::store::badge_keys_key(kEvent), key.key_id,
                  services::wire::encode(stored, services::wire::Encoding::json)});
  auto& g = gateway();
  DeskClient desk;
  desk.set_token(tokens_[v1::desk]);
  desk.connect(g.host(), g.port(), kEvent);

  const auto sign = [&](const std::string& badge, const std::string& first = "",
                        const std::string& last = "",
                        const services::badges::KeyPair& with = services::badges::KeyPair{}) {
    const auto& signer = with.key_id.empty() ? key : with;
    return services::badges::sign_badge({.key_id = signer.key_id,
                                         .event_id = kEvent,
                                         .badge_id = badge,
                                         .first_day = first,
                                         .last_day = last},
                                        signer.secret_key);
  };
  const auto genuine = sign("M1");
  auto result = desk.scan(scan("genuine", genuine));
  EXPECT_EQ(result.status(), v1::accepted) << result.reason();
  EXPECT_EQ(result.attendee().name(), "Anna Muster");

  // Every character of a code changed in turn: never accepted, never counted.
  const auto code = sign("M2");
  int refused = 0;
  for (std::size_t i = 4; i < code.size(); ++i) {
    auto altered = code;
    altered[i] = altered[i] == 'A' ? 'B' : 'A';
    result = desk.scan(scan("altered-" + std::to_string(i), altered));
    EXPECT_EQ(result.status(), v1::invalid_signature) << "position " << i;
    refused += result.status() == v1::invalid_signature;
  }
  std::cout << "[ badges  ] " << refused << " altered codes of " << code.size()
            << " characters refused\n";
  // Signed with a key the event does not know; a plain id where codes are required.
  EXPECT_EQ(
      desk.scan(scan("forged", sign("M2", "", "", services::badges::generate_key_pair()))).status(),
      v1::invalid_signature);
  EXPECT_EQ(desk.scan(scan("plain", "M2")).status(), v1::invalid_signature);
  // Genuine, but for other days; genuine but revoked in the registry.
  EXPECT_EQ(desk.scan(scan("old", sign("M2", "2020-01-01", "2020-01-05"))).status(), v1::wrong_day);
  EXPECT_EQ(desk.scan(scan("revoked", sign("X1"))).status(), v1::revoked);

  EXPECT_EQ(support::http_totals(g, std::string("/v1/events/") + kEvent + "/totals",
                                 tokens_[v1::organizer])
                .onsite(),
            1);

  // The kiosk can fetch the public keys to check codes while offline.
  const auto keys = tools::client::http_get(g.host(), g.port(),
                                            std::string("/v1/events/") + kEvent + "/badge-keys",
                                            tools::client::bearer(tokens_[v1::desk]));
  EXPECT_EQ(keys.status, 200);
  EXPECT_NE(keys.body.find(key.key_id), std::string::npos) << keys.body;
}

TEST_F(Security, FloodingAndOversizedClientsAreCutOffWhileOthersKeepScanning) {
  auto& g = gateway({"--messages-per-second", "20"});
  std::atomic<bool> flood_done{false};
  int flood_close = 0;
  std::thread flooder([&] {
    DeskClient desk;
    desk.set_token(tokens_[v1::desk]);
    desk.connect(g.host(), g.port(), kEvent);
    try {
      for (int i = 0; i < 2000; ++i) {
        desk.send_binary(scan("flood-" + std::to_string(i), "R1").SerializeAsString());
      }
      while (desk.read_raw(5s)) {
      }
    } catch (const std::exception&) {
    }
    flood_close = desk.close_info() ? desk.close_info()->code : -1;
    flood_done = true;
  });
  std::thread oversized([&] {
    DeskClient desk;
    desk.set_token(tokens_[v1::desk]);
    desk.connect(g.host(), g.port(), kEvent);
    try {
      desk.send_binary(std::string(200 * 1024, 'x'));
      while (desk.read_raw(5s)) {
      }
    } catch (const std::exception&) {
    }
  });
  // The well-behaved desk, at a desk's pace, gets every answer.
  DeskClient polite;
  polite.set_token(tokens_[v1::desk]);
  polite.connect(g.host(), g.port(), kEvent);
  int answered = 0;
  try {
    for (int i = 0; i < 20; ++i) {
      const auto result = polite.scan(scan("polite-" + std::to_string(i), i % 2 ? "M1" : "M2"), 5s);
      answered += result.status() != v1::unavailable && result.status() != v1::malformed;
      std::this_thread::sleep_for(100ms);
    }
  } catch (const std::exception& e) {
    ADD_FAILURE() << "the well-behaved desk was disturbed: " << e.what();
  }
  flooder.join();
  oversized.join();
  EXPECT_EQ(answered, 20);
  EXPECT_EQ(flood_close, 1008);
  const auto exposition = metrics(g);
  EXPECT_NE(exposition.find("rollcall_limit_rejections_total{limit=\"message_rate\"} 1"),
            std::string::npos)
      << exposition;
  EXPECT_NE(exposition.find("rollcall_limit_rejections_total{limit=\"frame_size\"} 1"),
            std::string::npos)
      << exposition;
  // Each refusal names the client's address, read before Beast closed its socket.
  for (const auto* line : {"desk connection from 127.0.0.1 closed (1009)",
                           "desk connection from 127.0.0.1 closed (1008)"}) {
    EXPECT_NE(g.log().find(line), std::string::npos) << line << "\n" << g.log();
  }
}

TEST_F(Security, ConnectionsBeyondTheLimitsAreTurnedAwayWith503) {
  auto& g = gateway({"--max-connections-per-address", "3"});
  std::vector<std::unique_ptr<tools::client::DisplayClient>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<tools::client::DisplayClient>());
    held.back()->set_token(tokens_[v1::display]);
    held.back()->connect(g.host(), g.port(), kEvent);
  }
  tools::client::DisplayClient extra;
  extra.set_token(tokens_[v1::display]);
  try {
    extra.connect(g.host(), g.port(), kEvent);
    ADD_FAILURE() << "a fourth connection from one address was accepted";
  } catch (const HandshakeError& e) {
    EXPECT_EQ(e.status(), 503);
    EXPECT_NE(e.body().find("over_capacity"), std::string::npos) << e.body();
  }
  // A place freed is a place taken.
  held.pop_back();
  bool admitted = false;
  for (int attempt = 0; attempt < 50 && !admitted; ++attempt) {
    try {
      extra.connect(g.host(), g.port(), kEvent);
      admitted = true;
    } catch (const HandshakeError&) {
      std::this_thread::sleep_for(100ms);
    }
  }
  EXPECT_TRUE(admitted);
  held.clear();
  extra.close();
  // /metrics is a connection too: wait until the displays' places are given back.
  for (int attempt = 0; attempt < 50; ++attempt) {
    const auto response = tools::client::http_get(g.host(), g.port(), "/metrics");
    if (response.status == 200) {
      EXPECT_NE(
          response.body.find("rollcall_limit_rejections_total{limit=\"connections_per_address\"}"),
          std::string::npos)
          << response.body;
      return;
    }
    std::this_thread::sleep_for(100ms);
  }
  ADD_FAILURE() << "/metrics never answered";
}

TEST_F(Security, AGatewayRefusesARedisThatKeepsLessThanItRequires) {
  // The fixture's Redis fsyncs every second.
  try {
    GatewayProcess strict(redis_.url(), {"--durability", "always"});
    ADD_FAILURE() << "the gateway served a Redis with appendfsync everysec";
  } catch (const std::runtime_error& e) {
    const std::string log = e.what();
    EXPECT_NE(log.find("refusing to serve"), std::string::npos) << log;
    EXPECT_NE(log.find("appendfsync always"), std::string::npos) << log;
  }
  RedisServer always({"--appendfsync", "always"});
  GatewayProcess strict(always.url(), {"--durability", "always"});
  EXPECT_TRUE(strict.alive());
}

}  // namespace
}  // namespace rollcall::tests::integration
