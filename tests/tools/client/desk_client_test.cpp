#include "tools/client/desk_client.h"

#include <gtest/gtest.h>

#include <boost/beast/core.hpp>

#include "tests/tools/client/fake_server.h"
#include "tools/client/errors.h"
#include "tools/client/json.h"

namespace rollcall::tests::tools::client {
namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
using rollcall::tools::client::ClosedError;
using rollcall::tools::client::DeskClient;
using rollcall::tools::client::Encoding;
using rollcall::tools::client::HandshakeError;

rollcall::v1::ScanRequest request(const std::string& scan_id) {
  rollcall::v1::ScanRequest r;
  r.set_scan_id(scan_id);
  r.set_badge_id("RC25-000001");
  r.set_desk_id("desk-1");
  r.set_zone("hall_a");
  r.set_direction(rollcall::v1::in);
  return r;
}

TEST(DeskClient, BinaryScanGetsItsResult) {
  std::string target;
  FakeServer server(FakeServer::websocket([&](FakeServer::WebSocket& ws, const auto& req) {
    target = std::string(req.target());
    for (int i = 0; i < 2; ++i) {
      beast::flat_buffer buffer;
      ws.read(buffer);
      EXPECT_FALSE(ws.got_text());
      rollcall::v1::ScanRequest in;
      ASSERT_TRUE(in.ParseFromString(beast::buffers_to_string(buffer.data())));
      rollcall::v1::ScanResult out;
      out.set_scan_id(in.scan_id());
      out.set_status(i == 0 ? rollcall::v1::accepted : rollcall::v1::already_inside);
      out.mutable_attendee()->set_badge_id(in.badge_id());
      ws.binary(true);
      ws.write(boost::asio::buffer(out.SerializeAsString()));
    }
    ws.close(websocket::close_code::normal);
  }));

  DeskClient desk;
  desk.connect("127.0.0.1", server.port(), "demo 2025");
  auto first = desk.scan(request("s1"));
  EXPECT_EQ(first.scan_id(), "s1");
  EXPECT_EQ(first.status(), rollcall::v1::accepted);
  EXPECT_EQ(first.attendee().badge_id(), "RC25-000001");
  EXPECT_EQ(desk.scan(request("s2")).status(), rollcall::v1::already_inside);
  desk.close();  // answers the server's close
  EXPECT_EQ(server.join(), "");
  EXPECT_EQ(target, "/v1/desk?event=demo%202025");
}

TEST(DeskClient, JsonUsesTheSubprotocolAndProtoFieldNames) {
  std::string seen;
  FakeServer server(FakeServer::websocket(
      [&](FakeServer::WebSocket& ws, const auto& req) {
        EXPECT_EQ(req[boost::beast::http::field::sec_websocket_protocol], "rollcall.v1.json");
        beast::flat_buffer buffer;
        ws.read(buffer);
        EXPECT_TRUE(ws.got_text());
        seen = beast::buffers_to_string(buffer.data());
        ws.text(true);
        ws.write(boost::asio::buffer(
            std::string(R"({"scan_id":"s1","status":"reentry","replay":true,"zone":"hall_a"})")));
      },
      "rollcall.v1.json"));

  DeskClient desk;
  desk.connect("127.0.0.1", server.port(), "demo", Encoding::json);
  auto result = desk.scan(request("s1"));
  EXPECT_EQ(result.status(), rollcall::v1::reentry);
  EXPECT_TRUE(result.replay());
  EXPECT_EQ(result.zone(), "hall_a");
  EXPECT_EQ(server.join(), "");
  EXPECT_NE(seen.find(R"("scan_id":"s1")"), std::string::npos) << seen;
  EXPECT_NE(seen.find(R"("direction":"in")"), std::string::npos) << seen;
}

TEST(DeskClient, ExposesTheServersCloseCodeAndReason) {
  FakeServer server(FakeServer::websocket([](FakeServer::WebSocket& ws, const auto&) {
    beast::flat_buffer buffer;
    ws.read(buffer);
    ws.close(websocket::close_reason(websocket::close_code::policy_error, "unknown event"));
  }));

  DeskClient desk;
  desk.connect("127.0.0.1", server.port(), "nope");
  try {
    desk.scan(request("s1"));
    FAIL() << "scan should throw";
  } catch (const ClosedError& e) {
    EXPECT_EQ(e.code(), 1008);
    EXPECT_EQ(e.reason(), "unknown event");
  }
  ASSERT_TRUE(desk.close_info());
  EXPECT_EQ(desk.close_info()->code, 1008);
  EXPECT_FALSE(desk.is_open());
  EXPECT_EQ(server.join(), "");
}

TEST(DeskClient, RawFramesAndReadTimeoutKeepTheConnection) {
  FakeServer server(FakeServer::websocket([](FakeServer::WebSocket& ws, const auto&) {
    beast::flat_buffer buffer;
    ws.read(buffer);
    EXPECT_EQ(beast::buffers_to_string(buffer.data()), "not a protobuf");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    rollcall::v1::ScanResult out;
    out.set_status(rollcall::v1::malformed);
    ws.binary(true);
    ws.write(boost::asio::buffer(out.SerializeAsString()));
    ws.read(buffer);  // until the client closes
  }));

  DeskClient desk;
  desk.connect("127.0.0.1", server.port(), "demo");
  desk.send_text("not a protobuf");
  EXPECT_FALSE(desk.read_raw(std::chrono::milliseconds(50)));
  auto frame = desk.read_raw(std::chrono::seconds(5));
  ASSERT_TRUE(frame);
  EXPECT_EQ(desk.decode(*frame).status(), rollcall::v1::malformed);
  desk.close();
  server.join();
}

TEST(DeskClient, RefusedUpgradeReportsTheHttpStatus) {
  FakeServer server([](FakeServer::Socket& socket) {
    beast::flat_buffer buffer;
    FakeServer::Request request;
    boost::beast::http::read(socket, buffer, request);
    boost::beast::http::response<boost::beast::http::string_body> response{
        boost::beast::http::status::not_found, 11};
    response.body() = "no such event";
    response.prepare_payload();
    boost::beast::http::write(socket, response);
  });
  DeskClient desk;
  try {
    desk.connect("127.0.0.1", server.port(), "nope");
    FAIL() << "connect should throw";
  } catch (const HandshakeError& e) {
    EXPECT_EQ(e.status(), 404);
  }
  server.join();
}

TEST(DeskClient, JsonRefusedWhenTheServerIgnoresTheSubprotocol) {
  FakeServer server(FakeServer::websocket([](FakeServer::WebSocket& ws, const auto&) {
    beast::flat_buffer buffer;
    beast::error_code ec;
    ws.read(buffer, ec);
  }));
  DeskClient desk;
  EXPECT_THROW(desk.connect("127.0.0.1", server.port(), "demo", Encoding::json),
               std::runtime_error);
  server.join();
}

}  // namespace
}  // namespace rollcall::tests::tools::client
