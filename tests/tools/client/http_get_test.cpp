#include "tools/client/http_get.h"

#include <gtest/gtest.h>

#include <boost/beast/core.hpp>

#include "tests/tools/client/fake_server.h"
#include "tools/client/errors.h"

namespace rollcall::tests::tools::client {
namespace {

namespace http = boost::beast::http;

TEST(HttpGet, ReturnsStatusAndBody) {
  std::string target;
  FakeServer server([&](FakeServer::Socket& socket) {
    boost::beast::flat_buffer buffer;
    FakeServer::Request request;
    http::read(socket, buffer, request);
    target = std::string(request.target());
    http::response<http::string_body> response{http::status::ok, 11};
    response.set(http::field::content_type, "application/json");
    response.body() = R"({"event_id":"demo"})";
    response.prepare_payload();
    http::write(socket, response);
  });
  auto response =
      rollcall::tools::client::http_get("127.0.0.1", server.port(), "/v1/events/demo/totals");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body, R"({"event_id":"demo"})");
  EXPECT_EQ(server.join(), "");
  EXPECT_EQ(target, "/v1/events/demo/totals");
}

TEST(HttpGet, TimesOut) {
  FakeServer server([](FakeServer::Socket& socket) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  });
  EXPECT_THROW(rollcall::tools::client::http_get("127.0.0.1", server.port(), "/healthz",
                                                 std::chrono::milliseconds(100)),
               rollcall::tools::client::TimeoutError);
  server.join();
}

}  // namespace
}  // namespace rollcall::tests::tools::client
