// Bounded echoes (issue 12). Every text field of every message a client sends on the WebSocket
// channels (found through the descriptors, so a field added later is attacked without a new
// case) gets values of many sizes and kinds in both encodings, JSON also strings where other
// types belong and members with hostile names. Whatever comes back (replies, errors, close
// reasons) is small, valid UTF-8 and quotes at most ~128 bytes of what was sent; whatever is
// refused is not counted; a well-behaved desk is answered all along.
#include <algorithm>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "rollcall/v1/venue.pb.h"
#include "services/registry/utf8.h"
#include "services/wire/codec.h"
#include "tests/attack/support/frame_client.h"
#include "tests/attack/support/frame_fixture.h"
#include "tests/attack/support/text_variants.h"
#include "tools/client/desk_client.h"
#include "tools/client/errors.h"
#include "tools/client/target.h"

namespace rollcall::tests::attack {
namespace {

using namespace std::chrono_literals;
using services::registry::quote_input;

class EchoBounds : public FrameFixture {
 protected:
  // A gateway without a practical rate limit (the attacks come fast), and a desk at a desk's
  // pace beside them.
  support::GatewayProcess& start() {
    auto& g = gateway({"--messages-per-second", "1000000"});
    auto desk = std::make_shared<tools::client::DeskClient>();
    desk->set_token(token(v1::desk));
    desk->connect(g.host(), g.port(), kEvent);
    auto n = std::make_shared<int>(0);
    polite_ = std::make_unique<PoliteClient>(
        [desk, n]() -> std::string {
          const auto id = "polite-" + std::to_string((*n)++);
          const auto result = desk->scan(good_scan(id, "B" + std::to_string(*n % 10)), 10s);
          if (result.status() == v1::malformed || result.status() == v1::unavailable ||
              result.scan_id() != id) {
            return "polite scan answered " + result.ShortDebugString();
          }
          return "";
        },
        50ms);
    return g;
  }

  void expect_polite_desk_served() {
    ASSERT_TRUE(polite_);
    EXPECT_TRUE(polite_->wait_for(1));
    EXPECT_EQ(polite_->stop(), "");
    std::cout << "[ info ] the polite desk was answered " << polite_->served() << " times\n";
  }

  // One frame in, one reply out, or the close that ended the connection (then reconnected).
  std::optional<Frame> exchange(FrameClient& client, support::GatewayProcess& g,
                                const std::string& channel, v1::Role role, const Attack& attack,
                                const std::string& frame, std::vector<int> close_codes,
                                int* closes) {
    client.send(frame, attack.json);
    auto reply = client.next(20s);
    if (reply) return reply;
    EXPECT_TRUE(client.close_info()) << attack.label << ": no answer and no close";
    // A frame over the gateway's 64 KiB limit may be cut off while still being written: the
    // gateway's 1009 and its hang-up then race the rest of the frame, and the client sees 1006.
    if (frame.size() > 64 * 1024) close_codes.push_back(1006);
    if (client.close_info()) {
      const auto problems = check_close(*client.close_info(), close_codes, attack.sent);
      EXPECT_TRUE(problems.empty()) << attack.label << ": " << join(problems);
    }
    ++*closes;
    client.connect(g.host(), g.port(), channel, token(role), attack.json);
    return std::nullopt;
  }

  std::unique_ptr<PoliteClient> polite_;
};

// The channels attacked below and the message a client sends on each (a beacon's fields come in
// its /v1/online URL). A test checks this covers every channel the gateway names and every
// client message of the schema.
const std::map<std::string, const google::protobuf::Descriptor*>& attacked() {
  static const std::map<std::string, const google::protobuf::Descriptor*> channels = {
      {"/v1/desk", v1::ScanRequest::descriptor()},
      {"/v1/online", v1::OnlineRequest::descriptor()},
      {"/v1/display", v1::DisplayRequest::descriptor()}};
  return channels;
}

TEST_F(EchoBounds, EveryChannelAndEveryClientMessageIsAttacked) {
  for (const auto& path : named_channels(gateway())) {
    EXPECT_TRUE(attacked().count(path)) << path << " is not attacked";
  }
  // Clients send the schema's ...Request messages: each has its channel here.
  const auto* file = v1::ScanRequest::descriptor()->file();
  int requests = 0;
  for (int i = 0; i < file->message_type_count(); ++i) {
    const auto* type = file->message_type(i);
    if (!type->name().ends_with("Request")) continue;
    ++requests;
    EXPECT_TRUE(std::any_of(attacked().begin(), attacked().end(),
                            [&](const auto& entry) { return entry.second == type; }))
        << type->full_name() << " is not attacked";
  }
  EXPECT_GE(requests, 3);
}

// A text frame that is not UTF-8 (1007) and a message over the size limit (1009) end the
// connection; nothing else may.
const std::vector<int> kFrameCloses = {1007, 1009};

TEST_F(EchoBounds, DeskRepliesToEveryVariantOfEveryFieldAreBoundedAndRefusalsCountNothing) {
  auto& g = start();
  const auto variants = text_variants();
  int sent = 0, refused = 0, closes = 0;
  // Every desk channel of the catalogue: an event's desk, and a venue's shared entrance, which
  // answers a VenueScanResult around the same ScanResult.
  for (const auto& channel : channel_targets("/v1/desk")) {
    const bool venue = channel.find("venue=") != std::string::npos;
    // One reply as the ScanResult it carries.
    const auto read_result = [&](const Frame& reply, bool json, v1::ScanResult* result,
                                 std::string_view sent_text) {
      if (!venue) return check_reply(reply, json, result, sent_text);
      v1::VenueScanResult wrapped;
      auto problems = check_reply(reply, json, &wrapped, sent_text);
      *result = wrapped.result();
      for (const auto& event : wrapped.events()) {
        if (event.result().scan_id() != result->scan_id()) {
          problems.push_back("an event's verdict names another scan_id");
        }
      }
      return problems;
    };
    for (const bool json : {false, true}) {
      FrameClient desk;
      desk.connect(g.host(), g.port(), channel, token(v1::desk), json);
      for (const auto& attack : attacks_on(attacked().at("/v1/desk"), json, variants)) {
        const auto id = "echo-" + std::to_string(sent++);
        const auto reply = exchange(desk, g, channel, v1::desk, attack,
                                    attack.frame(good_scan(id, "B1")), kFrameCloses, &closes);
        if (!reply) continue;
        v1::ScanResult result;
        const auto problems = read_result(*reply, json, &result, attack.sent);
        EXPECT_TRUE(problems.empty()) << attack.label << ": " << join(problems);
        if (attack.must_refuse) {
          EXPECT_EQ(result.status(), v1::malformed) << attack.label;
        }
        // The desk can still tell which scan the answer is for: its own id, or what it sent as
        // one (quoted), or nothing when the frame could not be read at all.
        const bool scan_id_attacked = attack.field && attack.field->ends_with("scan_id");
        if (!scan_id_attacked) {
          EXPECT_TRUE(result.scan_id() == id || result.scan_id().empty())
              << attack.label << ": " << quote_input(result.scan_id());
        } else if (!attack.variant->json_only) {
          EXPECT_TRUE(result.scan_id() == quote_input(attack.sent) || result.scan_id().empty())
              << attack.label << ": " << quote_input(result.scan_id());
        }
        if (result.status() != v1::malformed) continue;
        ++refused;
        if (scan_id_attacked) continue;
        // Nothing was recorded under its scan_id: the same id, sent properly, is news.
        auto again = good_scan(id, "B2");
        desk.send(json ? services::wire::encode(again, services::wire::Encoding::json)
                       : again.SerializeAsString(),
                  json);
        const auto second = desk.next(20s);
        ASSERT_TRUE(second) << attack.label;
        v1::ScanResult second_result;
        ASSERT_TRUE(read_result(*second, json, &second_result, "").empty());
        EXPECT_NE(second_result.status(), v1::malformed) << attack.label;
        EXPECT_FALSE(second_result.replay()) << attack.label << ": the refused scan was recorded";
      }
    }
  }
  std::cout << "[ info ] desk: " << sent << " hostile frames, " << refused << " malformed, "
            << closes << " connections closed (1007/1009)\n";
  EXPECT_GT(refused, sent / 2);
  expect_polite_desk_served();
}

TEST_F(EchoBounds, BridgeAcksAndErrorsForEveryVariantAreBoundedAndRefusalsCountNothing) {
  auto& g = start();
  const auto variants = text_variants();
  int sent = 0, refused = 0, closes = 0;
  for (const bool json : {false, true}) {
    FrameClient bridge;
    bridge.connect(g.host(), g.port(), target("/v1/online"), token(v1::platform), json);
    for (const auto& attack : attacks_on(attacked().at("/v1/online"), json, variants)) {
      const auto n = std::to_string(sent++);
      v1::OnlineRequest request;
      *request.mutable_batch()->add_events() = good_join("echo-" + n, "q" + n);
      const auto reply = exchange(bridge, g, target("/v1/online"), v1::platform, attack,
                                  attack.frame(request), kFrameCloses, &closes);
      if (!reply) continue;
      v1::OnlineReply answer;
      const auto problems = check_reply(*reply, json, &answer, attack.sent);
      EXPECT_TRUE(problems.empty()) << attack.label << ": " << join(problems);
      const bool item_refused =
          answer.has_error() || (answer.result().acks_size() == 1 &&
                                 answer.result().acks(0).status() == v1::PresenceAck::rejected);
      if (attack.must_refuse) {
        EXPECT_TRUE(item_refused) << attack.label;
      }
      const bool id_attacked = attack.field && attack.field->ends_with("presence_id");
      if (answer.has_result() && answer.result().acks_size() == 1) {
        const auto& echoed = answer.result().acks(0).presence_id();
        if (!id_attacked) {
          EXPECT_EQ(echoed, "echo-" + n) << attack.label;
        } else if (!attack.variant->json_only) {
          EXPECT_EQ(echoed, quote_input(attack.sent)) << attack.label;
        }
      }
      if (!item_refused) continue;
      ++refused;
      if (id_attacked) continue;
      // Nothing was recorded under its presence_id: the same id, sent properly, is news.
      v1::OnlineRequest again;
      *again.mutable_batch()->add_events() = good_join("echo-" + n, "r" + n);
      bridge.send(json ? services::wire::encode(again, services::wire::Encoding::json)
                       : again.SerializeAsString(),
                  json);
      const auto second = bridge.next(20s);
      ASSERT_TRUE(second) << attack.label;
      v1::OnlineReply second_answer;
      ASSERT_TRUE(check_reply(*second, json, &second_answer, "").empty());
      ASSERT_EQ(second_answer.result().acks_size(), 1) << second_answer.ShortDebugString();
      EXPECT_EQ(second_answer.result().acks(0).status(), v1::PresenceAck::joined) << attack.label;
      EXPECT_FALSE(second_answer.result().acks(0).replay())
          << attack.label << ": the refused item was recorded";
    }
  }
  std::cout << "[ info ] bridge: " << sent << " hostile frames, " << refused << " refused, "
            << closes << " connections closed (1007/1009)\n";
  EXPECT_GT(refused, sent / 2);
  expect_polite_desk_served();
}

TEST_F(EchoBounds, DisplayErrorsForEveryVariantAreBounded) {
  auto& g = start();
  const auto variants = text_variants();
  int sent = 0, errors = 0, closes = 0;
  for (const auto& channel : channel_targets("/v1/display")) {
    for (const bool json : {false, true}) {
      FrameClient display;
      display.connect(g.host(), g.port(), channel, token(v1::display), json);
      v1::DisplayRequest request;
      request.set_snapshot(true);
      // Binary: DisplayRequest has no text field today; this still runs the moment one is added.
      for (const auto& attack : attacks_on(attacked().at("/v1/display"), json, variants)) {
        ++sent;
        auto reply = exchange(display, g, channel, v1::display, attack, attack.frame(request),
                              kFrameCloses, &closes);
        // Snapshots and updates come and go (the polite desk's scans); the error is what counts.
        v1::DisplayMessage message;
        while (reply) {
          const auto problems = check_reply(*reply, json, &message, attack.sent, 1 << 20);
          EXPECT_TRUE(problems.empty()) << attack.label << ": " << join(problems);
          if (message.has_error()) {
            EXPECT_LE(reply->data.size(), 2048u) << attack.label;
            break;
          }
          reply = display.next(attack.must_refuse ? 20s : 200ms);
        }
        if (attack.must_refuse && reply) {
          EXPECT_EQ(message.error().code(), "malformed") << attack.label;
        }
        errors += reply && message.has_error();
      }
    }
  }
  std::cout << "[ info ] display: " << sent << " hostile frames, " << errors << " errors, "
            << closes << " connections closed (1007/1009)\n";
  EXPECT_GT(errors, 0);
  expect_polite_desk_served();
}

// A beacon's fields come in its URL (as far as a request line can carry them): a refused one gets
// an error and a close whose reason is bounded, and counts nothing.
TEST_F(EchoBounds, BeaconRefusalsAreBoundedAndCountNothing) {
  auto& g = start();
  const std::vector<std::string> params = {"participant", "country",  "category",
                                           "badge",       "platform", "session"};
  struct Beacon {
    std::string label;
    const TextVariant* variant;
    std::string participant;
    std::unique_ptr<FrameClient> client;
  };
  const auto variants = text_variants();
  std::vector<Beacon> beacons;
  int handshakes_refused = 0;
  for (const auto& v : variants) {
    if (v.json_only || v.size > 1024) continue;  // beyond, the request line is over the limit
    for (const auto& param : params) {
      Beacon beacon{param + " " + v.label(), &v, "p" + std::to_string(beacons.size()),
                    std::make_unique<FrameClient>()};
      std::string query = "&participant=" + beacon.participant;
      if (param == "participant") {
        query.clear();
        beacon.participant = v.value;
      }
      query += "&" + param + "=" + tools::client::percent_encode(v.value);
      try {
        beacon.client->connect(g.host(), g.port(), target("/v1/online", query), token(v1::platform),
                               false);
      } catch (const tools::client::HandshakeError& e) {
        EXPECT_LE(e.body().size(), 2048u) << beacon.label;
        ++handshakes_refused;
        continue;
      }
      beacons.push_back(std::move(beacon));
    }
  }
  // A refused beacon is answered at once (an error, then the close); one let in hears nothing.
  // All wait together, so the ones let in cost the wait once.
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  int refused = 0;
  std::set<std::string> joined;
  for (auto& beacon : beacons) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    const auto& v = *beacon.variant;
    // Past the shared deadline each still gets a moment: a close frame that arrived long ago
    // still needs its closing handshake with the gateway.
    if (!beacon.client->wait_closed(std::max(left, 300ms))) {
      EXPECT_FALSE(v.value.size() > 128 || v.hostile()) << beacon.label << ": let in";
      joined.insert(beacon.participant);
      continue;
    }
    ++refused;
    const auto problems = check_close(*beacon.client->close_info(), {1008}, v.value);
    EXPECT_TRUE(problems.empty()) << beacon.label << ": " << join(problems);
    while (const auto frame = beacon.client->next(0ms)) {
      v1::OnlineReply reply;
      const auto reply_problems = check_reply(*frame, false, &reply, v.value);
      EXPECT_TRUE(reply_problems.empty()) << beacon.label << ": " << join(reply_problems);
      EXPECT_EQ(reply.error().code(), "rejected") << beacon.label;
    }
  }
  std::cout << "[ info ] beacon: " << beacons.size() + handshakes_refused << " hostile URLs, "
            << refused << " refused, " << handshakes_refused << " refused at the handshake, "
            << joined.size() << " participants let in\n";
  EXPECT_GT(refused, 0);
  // Exactly the beacons let in were counted.
  v1::Totals now;
  for (int attempt = 0; attempt < 100; ++attempt) {
    now = totals(g);
    if (now.remote() >= static_cast<int>(joined.size())) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(now.remote(), static_cast<int>(joined.size()));
  expect_polite_desk_served();
}

}  // namespace
}  // namespace rollcall::tests::attack
