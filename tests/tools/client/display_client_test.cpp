#include "tools/client/display_client.h"

#include <gtest/gtest.h>

#include <boost/beast/core.hpp>

#include "tests/tools/client/fake_server.h"
#include "tools/client/errors.h"
#include "tools/client/json.h"

namespace rollcall::tests::tools::client {
namespace {

namespace beast = boost::beast;
using rollcall::tools::client::DisplayClient;
using rollcall::tools::client::Encoding;
using rollcall::v1::DisplayMessage;

DisplayMessage snapshot(std::uint64_t seq, int onsite) {
  DisplayMessage m;
  auto* t = m.mutable_snapshot();
  t->set_event_id("demo");
  t->set_seq(seq);
  t->set_onsite(onsite);
  t->set_inside_now(onsite);
  (*t->mutable_onsite_by_country())["CH"] = onsite;
  return m;
}

DisplayMessage update(std::uint64_t prev, std::uint64_t seq) {
  DisplayMessage m;
  m.mutable_update()->set_prev_seq(prev);
  m.mutable_update()->mutable_totals()->set_seq(seq);
  return m;
}

// Sends messages in the encoding the client asked for.
void send(FakeServer::WebSocket& ws, const DisplayMessage& m, Encoding encoding) {
  if (encoding == Encoding::json) {
    ws.text(true);
    ws.write(boost::asio::buffer(rollcall::tools::client::to_json(m)));
  } else {
    ws.binary(true);
    ws.write(boost::asio::buffer(m.SerializeAsString()));
  }
}

rollcall::v1::DisplayRequest receive_request(FakeServer::WebSocket& ws, Encoding encoding) {
  beast::flat_buffer buffer;
  ws.read(buffer);
  rollcall::v1::DisplayRequest request;
  std::string data = beast::buffers_to_string(buffer.data());
  if (encoding == Encoding::json) {
    EXPECT_TRUE(ws.got_text());
    rollcall::tools::client::from_json(data, request);
  } else {
    EXPECT_TRUE(request.ParseFromString(data));
  }
  return request;
}

class DisplayClientTest : public testing::TestWithParam<Encoding> {};

TEST_P(DisplayClientTest, AppliesUpdatesInOrderAndResyncsOnAGap) {
  Encoding encoding = GetParam();
  FakeServer server(FakeServer::websocket(
      [encoding](FakeServer::WebSocket& ws, const auto&) {
        send(ws, snapshot(5, 10), encoding);
        auto u = update(5, 6);
        u.mutable_update()->mutable_totals()->set_onsite(11);
        u.mutable_update()->mutable_totals()->set_inside_now(0);  // a set zero replaces
        (*u.mutable_update()->mutable_totals()->mutable_onsite_by_country())["FR"] = 1;
        send(ws, u, encoding);
        send(ws, update(8, 9), encoding);   // seq 7 and 8 were lost: a gap
        send(ws, update(9, 10), encoding);  // stale until the snapshot arrives
        EXPECT_TRUE(receive_request(ws, encoding).snapshot());
        send(ws, snapshot(10, 20), encoding);
        send(ws, update(10, 11), encoding);
        beast::flat_buffer buffer;
        beast::error_code ec;
        ws.read(buffer, ec);  // until the client closes
      },
      encoding == Encoding::json ? "rollcall.v1.json" : ""));

  DisplayClient display;
  display.connect("127.0.0.1", server.port(), "demo", encoding);
  ASSERT_TRUE(display.next());
  EXPECT_EQ(display.state().seq(), 5u);
  ASSERT_TRUE(display.next());
  EXPECT_EQ(display.state().seq(), 6u);
  EXPECT_EQ(display.state().onsite(), 11);
  EXPECT_TRUE(display.state().has_inside_now());
  EXPECT_EQ(display.state().inside_now(), 0);
  EXPECT_EQ(display.state().onsite_by_country().at("CH"), 10);
  EXPECT_EQ(display.state().onsite_by_country().at("FR"), 1);
  EXPECT_EQ(display.state().event_id(), "demo");

  EXPECT_TRUE(display.wait_until([](const auto& t) { return t.seq() == 11; }));
  EXPECT_EQ(display.gaps(), 1);
  EXPECT_EQ(display.updates_skipped(), 1);
  EXPECT_EQ(display.snapshots(), 2);
  EXPECT_EQ(display.updates_applied(), 2);
  EXPECT_EQ(display.state().onsite(), 20);
  EXPECT_EQ(display.state().onsite_by_country().count("FR"), 0u);
  display.close();
  EXPECT_EQ(server.join(), "");
}

INSTANTIATE_TEST_SUITE_P(Encodings, DisplayClientTest,
                         testing::Values(Encoding::binary, Encoding::json), [](const auto& info) {
                           return info.param == Encoding::json ? "json" : "binary";
                         });

TEST(DisplayClient, TimeoutLeavesTheConnectionUsable) {
  FakeServer server(FakeServer::websocket([](FakeServer::WebSocket& ws, const auto&) {
    send(ws, snapshot(1, 1), Encoding::binary);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    send(ws, update(1, 2), Encoding::binary);
    beast::flat_buffer buffer;
    beast::error_code ec;
    ws.read(buffer, ec);
  }));
  DisplayClient display;
  display.connect("127.0.0.1", server.port(), "demo");
  ASSERT_TRUE(display.next());
  EXPECT_FALSE(display.next(std::chrono::milliseconds(20)));
  EXPECT_FALSE(display.wait_until([](const auto& t) { return t.seq() == 2; },
                                  std::chrono::milliseconds(20)));
  EXPECT_TRUE(display.wait_until([](const auto& t) { return t.seq() == 2; }));
  display.close();
  server.join();
}

TEST(DisplayClient, KeepsTheErrorAndTheCloseReason) {
  FakeServer server(FakeServer::websocket([](FakeServer::WebSocket& ws, const auto&) {
    DisplayMessage m;
    m.mutable_error()->set_code("unknown_event");
    m.mutable_error()->set_message("no event nope");
    send(ws, m, Encoding::binary);
    ws.close(boost::beast::websocket::close_reason(
        boost::beast::websocket::close_code::policy_error, "unknown event"));
  }));
  DisplayClient display;
  display.connect("127.0.0.1", server.port(), "nope");
  auto first = display.next();
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->has_error());
  EXPECT_THROW(display.next(), rollcall::tools::client::ClosedError);
  ASSERT_TRUE(display.last_error());
  EXPECT_EQ(display.last_error()->code(), "unknown_event");
  ASSERT_TRUE(display.close_info());
  EXPECT_EQ(display.close_info()->code, 1008);
  server.join();
}

}  // namespace
}  // namespace rollcall::tests::tools::client
