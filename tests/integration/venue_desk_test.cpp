// A desk at a shared entrance (issue 15, item 2): one venue desk token, issued with
// rollcall-admin, opens /v1/desk?venue=V; each scan is counted in every event that knows the badge
// and answered with one verdict per event. Generated scans are checked against a model of each
// event's entry rules kept here, and the events' own figures against what the model counted.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <random>
#include <set>

#include "rollcall/v1/venue.pb.h"
#include "services/checkin/offline_verdict.h"
#include "services/store/keys.h"
#include "services/wire/codec.h"
#include "tests/support/gateway_process.h"
#include "tests/support/http_totals.h"
#include "tests/support/redis_server.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/tokens.h"
#include "tools/client/errors.h"
#include "tools/client/http_get.h"
#include "tools/client/websocket_connection.h"

namespace rollcall::tests::integration {
namespace {

using namespace std::chrono_literals;
using support::GatewayProcess;
using support::RedisServer;
namespace store = services::store;
namespace wire = services::wire;

constexpr const char* kVenue = "palexpo";
const std::vector<std::string> kEvents = {"wsis-d", "aifg-d"};

class VenueDeskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // S0..S9 hold one badge valid at both events (the same code in both registries); W*, A* one
    // event's only.
    for (int e = 0; e < 2; ++e) {
      std::string csv = "badge_id,country,category,name,organization,person_id\n";
      for (int k = 0; k < 10; ++k)
        csv += "S" + std::to_string(k) + ",CH,un,Shared,Org,p-" + std::to_string(k) + "\n";
      for (int k = 0; k < 10; ++k) {
        csv += (e == 0 ? "W" : "A") + std::to_string(k) + ",KE,youth,Own,Org,\n";
      }
      ASSERT_TRUE(
          support::import_registry(redis_, kEvents[e], csv, {.file_name = kEvents[e] + ".csv"}));
      organizers_.push_back(support::issue_token(redis_, kEvents[e], v1::organizer));
    }
    run_ok({ROLLCALL_ADMIN_BIN, "venue", "create", "--venue", kVenue, "--name", "Palexpo",
            "--events", kEvents[0] + "," + kEvents[1]});
    desk_token_ = run_ok({ROLLCALL_ADMIN_BIN, "token", "issue", "--venue", kVenue, "--role", "desk",
                          "--name", "North entrance", "--desk", "north-1"});
    desk_token_.erase(desk_token_.find('\n'));
    gateway_ = std::make_unique<GatewayProcess>(redis_.url());
  }
  void TearDown() override {
    if (gateway_) EXPECT_TRUE(gateway_->alive()) << gateway_->log();
  }

  std::string run_ok(std::vector<std::string> args) {
    args.insert(args.end(), {"--redis", redis_.url()});
    std::string output;
    EXPECT_EQ(support::run_program(args, &output), 0) << output;
    return output;
  }

  std::unique_ptr<tools::client::WebSocketConnection> open(const std::string& token,
                                                           const std::string& target) {
    auto ws = std::make_unique<tools::client::WebSocketConnection>();
    ws->set_token(token);
    ws->connect(gateway_->host(), gateway_->port(), target, std::string(wire::kJsonSubprotocol),
                5s);
    return ws;
  }

  v1::VenueScanResult scan(tools::client::WebSocketConnection& ws, const std::string& frame) {
    ws.write(frame, true, 5s);
    const auto reply = ws.read(5s);
    v1::VenueScanResult result;
    EXPECT_TRUE(reply) << "no answer to " << frame;
    if (!reply) return result;
    std::string error;
    EXPECT_TRUE(wire::decode(reply->data, wire::Encoding::json, &result, &error))
        << error << ": " << reply->data;
    return result;
  }

  std::string frame(const std::string& scan_id, const std::string& badge, bool in) {
    return std::string(R"({"scan_id":")") + scan_id + R"(","badge_id":")" + badge +
           R"(","desk_id":"north-1","zone":"hall","direction":")" + (in ? "in" : "out") + "\"}";
  }

  v1::Totals totals(int event) {
    return support::http_totals(*gateway_, "/v1/events/" + kEvents[event] + "/totals",
                                organizers_[event], 5s);
  }

  RedisServer redis_;
  std::vector<std::string> organizers_;
  std::string desk_token_;
  std::unique_ptr<GatewayProcess> gateway_;
};

// Each event's rule for one person, as docs/architecture.md states it (one zone, one day).
v1::ScanStatus expected(bool* inside, bool* seen, bool in) {
  if (in) {
    if (*inside) return v1::already_inside;
    *inside = true;
    const bool first = !*seen;
    *seen = true;
    return first ? v1::accepted : v1::reentry;
  }
  if (!*inside) return v1::not_inside;
  *inside = false;
  return v1::exit;
}

TEST_F(VenueDeskTest, EachScanCountsInTheEventsThatKnowTheBadgeAndSaysWhere) {
  auto ws = open(desk_token_, std::string("/v1/desk?venue=") + kVenue);
  std::mt19937 random(215);
  std::vector<std::string> badges;
  for (int k = 0; k < 10; ++k) {
    for (const char* prefix : {"S", "W", "A"}) badges.push_back(prefix + std::to_string(k));
  }
  std::map<std::pair<int, std::string>, std::pair<bool, bool>> state;  // (event, badge) -> in, seen
  std::vector<std::pair<std::string, v1::VenueScanResult>> sent;
  int unknown = 0;
  for (int n = 0; n < 300; ++n) {
    const bool stranger = random() % 15 == 0;
    const auto badge = stranger ? "X" + std::to_string(n) : badges[random() % badges.size()];
    const bool in = random() % 3 != 0;
    const auto id = "v-" + std::to_string(n);
    const auto result = scan(*ws, frame(id, badge, in));
    sent.emplace_back(frame(id, badge, in), result);
    std::vector<int> events;
    if (badge[0] == 'S' || badge[0] == 'W') events.push_back(0);
    if (badge[0] == 'S' || badge[0] == 'A') events.push_back(1);
    if (stranger) {
      ++unknown;
      ASSERT_EQ(result.events_size(), 1) << badge;
      EXPECT_EQ(result.events(0).event_id(), kEvents[0]);
      EXPECT_EQ(result.result().status(), v1::unknown_badge);
      continue;
    }
    ASSERT_EQ(result.events_size(), static_cast<int>(events.size())) << badge;
    int admitted = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
      auto& [inside, seen] = state[{events[i], badge}];
      const auto want = expected(&inside, &seen, in);
      EXPECT_EQ(result.events(i).event_id(), kEvents[events[i]]);
      EXPECT_EQ(result.events(i).result().status(), want) << badge << " scan " << n;
      EXPECT_EQ(result.events(i).result().scan_id(), id);
      admitted += services::checkin::lets_through(want);
    }
    EXPECT_EQ(result.result().reason().find("Valid for:") != std::string::npos, admitted > 1)
        << result.result().reason();
  }
  // Replays of earlier scans: the same verdicts, marked replay, nothing counted again.
  const auto before = std::make_pair(totals(0), totals(1));
  for (int r = 0; r < 40; ++r) {
    const auto& [frame_text, first] = sent[random() % sent.size()];
    const auto again = scan(*ws, frame_text);
    ASSERT_EQ(again.events_size(), first.events_size());
    for (int i = 0; i < again.events_size(); ++i) {
      EXPECT_EQ(again.events(i).result().status(), first.events(i).result().status());
      EXPECT_TRUE(again.events(i).result().replay());
    }
  }
  for (int e = 0; e < 2; ++e) {
    const auto now = totals(e);
    const auto& then = e == 0 ? before.first : before.second;
    EXPECT_EQ(now.onsite(), then.onsite());
    EXPECT_EQ(now.scans_by_status().at("accepted"), then.scans_by_status().at("accepted"));
    // The model's figures: everyone who entered at that event, once.
    int seen = 0, inside = 0;
    for (const auto& [key, value] : state) {
      if (key.first != e) continue;
      seen += value.second;
      inside += value.first;
    }
    EXPECT_EQ(now.onsite(), seen) << kEvents[e];
    EXPECT_EQ(now.inside_now(), inside) << kEvents[e];
    // A stray badge is one rejected scan, in the first event only.
    const auto& statuses = now.scans_by_status();
    const auto strays = statuses.count("unknown_badge") ? statuses.at("unknown_badge") : 0;
    EXPECT_EQ(strays, e == 0 ? unknown : 0) << kEvents[e];
    EXPECT_EQ(now.desks().count("north-1"), 1u) << "the desk is tracked in " << kEvents[e];
  }
}

TEST_F(VenueDeskTest, BadFramesAndWrongTokensAreRefusedAndCountNothing) {
  auto ws = open(desk_token_, std::string("/v1/desk?venue=") + kVenue);
  const std::string long_id(5000, 'z');
  for (const std::string bad :
       {std::string("not json"), std::string("{}"),
        std::string(R"({"scan_id":")") + long_id + "\"}",
        std::string(R"({"scan_id":"s","badge_id":")") + long_id + R"(","direction":"in"})",
        std::string(R"({"scan_id":"s","badge_id":"S1","direction":"sideways"})"),
        std::string(R"({"scan_id":"s","badge_id":"S1","extra":1})")}) {
    const auto result = scan(*ws, bad);
    EXPECT_EQ(result.result().status(), v1::malformed) << bad.substr(0, 60);
    EXPECT_LE(result.result().scan_id().size(), 131u);  // quote_input: 128 bytes and "…"
    EXPECT_LE(result.result().reason().size(), 600u);
  }
  for (int e = 0; e < 2; ++e) EXPECT_EQ(totals(e).onsite(), 0);

  // An event's own desk token is not the venue's; a venue display token may not scan; an
  // unknown venue is closed.
  const auto event_desk = support::issue_desk_token(redis_, kEvents[0], "gate-1");
  std::string display = run_ok({ROLLCALL_ADMIN_BIN, "token", "issue", "--venue", kVenue, "--role",
                                "display", "--name", "wall"});
  display.erase(display.find('\n'));
  for (const auto& [token, code] :
       std::vector<std::pair<std::string, int>>{{event_desk, 4401}, {display, 4403}}) {
    auto refused = open(token, std::string("/v1/desk?venue=") + kVenue);
    try {
      refused->read(5s);
      ADD_FAILURE() << "not closed";
    } catch (const tools::client::ClosedError& closed) {
      EXPECT_EQ(closed.code(), code);
    }
  }
  auto nowhere = open(desk_token_, "/v1/desk?venue=nowhere");
  try {
    nowhere->read(5s);
    ADD_FAILURE() << "not closed";
  } catch (const tools::client::ClosedError& closed) {
    EXPECT_EQ(closed.code(), 4401) << "the token is not the unknown venue's";
  }
}

}  // namespace
}  // namespace rollcall::tests::integration
