// Every frame counts (issue 12): floods of every kind of frame (valid, refused, malformed, empty,
// heartbeats, pings, unsolicited pongs, the empty fragments of a message that never ends) on every
// WebSocket channel are cut off with 1008 after about the burst the limit allows (the answers that
// came back are bounded by it), counted and logged, while another client of the same channel is
// served all along. Channels and kinds come from one list each (channels(), floods()): a channel or
// a kind added there is flooded in every combination, and a test checks that the list covers every
// channel the gateway names.
#include <iostream>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "services/wire/codec.h"
#include "tests/attack/support/frame_client.h"
#include "tests/attack/support/frame_fixture.h"
#include "tools/client/desk_client.h"

namespace rollcall::tests::attack {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace wire = services::wire;

constexpr double kRate = 20;  // --messages-per-second: bursts of 10 s' worth
constexpr int kFloodFrames = 3000;

// What a client of a channel sends and how a well-behaved one is served.
struct Channel {
  std::string name;   // the test's name: desk, display, bridge, beacon
  std::string path;   // /v1/desk
  std::string query;  // the attacker's (a beacon names its participant)
  v1::Role role;
  double rate;  // the frames per second the gateway allows this channel
  double burst;
  std::string valid;         // a frame the channel accepts (binary)
  std::string refused_json;  // well-formed JSON the channel refuses
  // A well-behaved client of the channel, connected: one exchange (send, check the answer).
  std::function<PoliteClient::Exchange(support::GatewayProcess& g, const std::string& token)>
      polite;
  // What must hold once the floods are over (nothing by default).
  std::function<void(FrameFixture& fixture, support::GatewayProcess& g)> after;
};

void PrintTo(const Channel& channel, std::ostream* out) {
  *out << channel.name;
}

std::string binary(const google::protobuf::Message& message) {
  return message.SerializeAsString();
}

PoliteClient::Exchange polite_desk(support::GatewayProcess& g, const std::string& token) {
  auto desk = std::make_shared<tools::client::DeskClient>();
  desk->set_token(token);
  desk->connect(g.host(), g.port(), FrameFixture::kEvent);
  auto n = std::make_shared<int>(0);
  return [desk, n]() -> std::string {
    const auto id = "polite-" + std::to_string((*n)++);
    const auto result = desk->scan(FrameFixture::good_scan(id, "B1"), 10s);
    return result.status() == v1::malformed || result.scan_id() != id ? result.ShortDebugString()
                                                                      : "";
  };
}

PoliteClient::Exchange polite_display(support::GatewayProcess& g, const std::string& token) {
  auto display = std::make_shared<FrameClient>();
  display->connect(g.host(), g.port(), FrameFixture::target("/v1/display"), token, false);
  return [display]() -> std::string {
    v1::DisplayRequest request;
    request.set_snapshot(true);
    if (!display->send(binary(request), false)) return "display closed";
    for (;;) {  // updates may come first
      const auto frame = display->next(10s);
      v1::DisplayMessage message;
      if (!frame || !message.ParseFromString(frame->data)) return "no snapshot";
      if (message.has_snapshot()) return "";
    }
  };
}

PoliteClient::Exchange polite_bridge(support::GatewayProcess& g, const std::string& token) {
  auto bridge = std::make_shared<FrameClient>();
  bridge->connect(g.host(), g.port(), FrameFixture::target("/v1/online"), token, false);
  auto n = std::make_shared<int>(0);
  return [bridge, n]() -> std::string {
    const auto id = std::to_string((*n)++);
    v1::OnlineRequest request;
    *request.mutable_batch()->add_events() = FrameFixture::good_join("polite-" + id, "q" + id);
    if (!bridge->send(binary(request), false)) return "bridge closed";
    const auto frame = bridge->next(10s);
    v1::OnlineReply reply;
    if (!frame || !reply.ParseFromString(frame->data)) return "no reply";
    return reply.result().acks_size() == 1 &&
                   reply.result().acks(0).status() == v1::PresenceAck::joined
               ? ""
               : reply.ShortDebugString();
  };
}

PoliteClient::Exchange polite_beacon(support::GatewayProcess& g, const std::string& token) {
  auto beacon = std::make_shared<FrameClient>();
  beacon->connect(g.host(), g.port(),
                  FrameFixture::target("/v1/online", "&participant=polite&country=CH"), token,
                  false);
  return [beacon]() -> std::string {
    v1::OnlineRequest heartbeat;
    heartbeat.set_heartbeat(true);
    if (!beacon->send(binary(heartbeat), false)) return "beacon closed";
    beacon->pump(10ms);
    return beacon->close_info() ? "beacon closed: " + beacon->close_info()->reason : "";
  };
}

// Every channel a client can open, the beacon being /v1/online with a participant.
std::vector<Channel> channels() {
  v1::OnlineRequest batch;
  *batch.mutable_batch()->add_events() = FrameFixture::good_join("flood", "flooder");
  v1::OnlineRequest heartbeat;
  heartbeat.set_heartbeat(true);
  v1::DisplayRequest snapshot;
  snapshot.set_snapshot(true);
  return {
      {.name = "desk",
       .path = "/v1/desk",
       .role = v1::desk,
       .rate = kRate,
       .burst = 10 * kRate,
       .valid = binary(FrameFixture::good_scan("flood", "B2")),
       .refused_json = R"({"scan_id":"x","no_such_field":1})",
       .polite = polite_desk},
      {.name = "display",
       .path = "/v1/display",
       .role = v1::display,
       .rate = kRate,
       .burst = 10 * kRate,
       .valid = binary(snapshot),
       .refused_json = R"({"snapshot":"yes"})",
       .polite = polite_display},
      {.name = "bridge",
       .path = "/v1/online",
       .role = v1::platform,
       .rate = kRate,
       .burst = 10 * kRate,
       .valid = binary(batch),
       .refused_json = R"({"batch":{"bridge_id":")" + std::string(200, 'b') + R"("}})",
       .polite = polite_bridge},
      // A beacon has nothing to say but heartbeats: 5 a second, bursts of 10.
      {.name = "beacon",
       .path = "/v1/online",
       .query = "&participant=flooder",
       .role = v1::platform,
       .rate = 5,
       .burst = 10,
       .valid = binary(heartbeat),
       .refused_json = R"({"batch":{}})",
       .polite = polite_beacon,
       .after =
           [](FrameFixture& fixture, support::GatewayProcess& g) {
             // The polite beacon is still online; every flooder has left.
             v1::Totals now;
             for (int attempt = 0; attempt < 100; ++attempt) {
               now = fixture.totals(g);
               if (now.online_now() == 1) break;
               std::this_thread::sleep_for(100ms);
             }
             EXPECT_EQ(now.online_now(), 1);
           }},
  };
}

enum class Sends { message, ping, pong, fragment };

struct Flood {
  std::string name;
  std::string frame;
  bool json = false;  // a text frame on the rollcall.v1.json subprotocol
  Sends sends = Sends::message;
};

// Every kind of frame a client can send on `channel`.
std::vector<Flood> floods(const Channel& channel) {
  v1::OnlineRequest heartbeat;
  heartbeat.set_heartbeat(true);
  return {{.name = "valid", .frame = channel.valid},
          {.name = "refused json", .frame = channel.refused_json, .json = true},
          {.name = "malformed binary", .frame = "\xff\xff\xff\xff"},
          {.name = "malformed json", .frame = "{\"", .json = true},
          {.name = "empty", .frame = ""},
          {.name = "heartbeat", .frame = binary(heartbeat)},
          {.name = "heartbeat json", .frame = R"({"heartbeat":true})", .json = true},
          {.name = "ping", .sends = Sends::ping},
          {.name = "pong", .sends = Sends::pong},
          // A message that never ends: empty fragments grow nothing, so only their count can.
          {.name = "endless message of empty fragments", .sends = Sends::fragment}};
}

class FrameRate : public FrameFixture, public ::testing::WithParamInterface<Channel> {};

TEST_P(FrameRate, EveryKindOfFloodIsCutOffWhileAPoliteClientIsServed) {
  const Channel& channel = GetParam();
  auto& g = gateway({"--messages-per-second", std::to_string(static_cast<int>(kRate))});
  PoliteClient polite(channel.polite(g, token(channel.role)), 300ms);
  int runs = 0;
  for (const auto& flood : floods(channel)) {
    ASSERT_TRUE(polite.wait_for(polite.served() + 1)) << flood.name << ": " << polite.stop();
    FrameClient attacker;
    attacker.connect(g.host(), g.port(), target(channel.path, channel.query), token(channel.role),
                     flood.json);
    const auto started = Clock::now();
    int sent = 0;
    const auto send_one = [&] {
      switch (flood.sends) {
        case Sends::ping:
          return attacker.ping();
        case Sends::pong:
          return attacker.pong();
        case Sends::fragment:
          return attacker.fragment();
        default:
          return attacker.send(flood.frame, flood.json);
      }
    };
    while (sent < kFloodFrames && send_one()) ++sent;
    const bool closed = attacker.wait_closed(30s);
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    int answers = attacker.pongs();
    while (attacker.next(0ms)) ++answers;
    std::cout << "[ info ] " << channel.name << " " << flood.name << ": " << sent
              << " frames sent, " << answers << " answered in " << elapsed << " s, closed "
              << (closed ? std::to_string(attacker.close_info()->code) : "never") << "\n";
    EXPECT_TRUE(closed) << flood.name;
    if (closed) {
      EXPECT_EQ(attacker.close_info()->code, 1008) << flood.name;
      EXPECT_EQ(attacker.close_info()->reason, "too many frames per second") << flood.name;
    }
    // The bucket: its burst, plus what refilled while the flood lasted (and a display's first
    // snapshot, which answers nothing).
    EXPECT_LE(answers, channel.burst + channel.rate * elapsed + 2) << flood.name;
    // The well-behaved client was served meanwhile and after.
    EXPECT_TRUE(polite.wait_for(polite.served() + 2)) << flood.name;
    ++runs;
  }
  EXPECT_EQ(polite.stop(), "");
  // Each flood counted once, and the log says why (the first line at least: it is throttled).
  const auto exposition = metrics(g);
  EXPECT_NE(exposition.find("rollcall_limit_rejections_total{limit=\"message_rate\"} " +
                            std::to_string(runs) + "\n"),
            std::string::npos)
      << exposition;
  EXPECT_NE(g.log().find(channel.name + " connection from 127.0.0.1 closed (1008): over " +
                         std::to_string(static_cast<int>(channel.rate)) + " frames per second"),
            std::string::npos)
      << g.log();
  if (channel.after) channel.after(*this, g);
}

INSTANTIATE_TEST_SUITE_P(EveryChannel, FrameRate, ::testing::ValuesIn(channels()),
                         [](const auto& info) { return info.param.name; });

// The list above covers every channel the gateway itself names (in the answer to an upgrade on
// a path it does not serve): a channel added to the gateway and not to the list fails here.
class FrameRateCoverage : public FrameFixture {};

TEST_F(FrameRateCoverage, EveryChannelTheGatewayNamesIsFlooded) {
  std::set<std::string> flooded;
  for (const auto& channel : channels()) flooded.insert(channel.path);
  for (const auto& path : named_channels(gateway())) {
    EXPECT_TRUE(flooded.count(path)) << path << " is not flooded";
  }
}

}  // namespace
}  // namespace rollcall::tests::attack
