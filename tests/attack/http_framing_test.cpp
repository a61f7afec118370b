// Request smuggling, RFC 9112 §6.3: a request whose body length two parsers could read
// differently (a proxy in front, the gateway behind) is refused with 400 and the connection
// closed, so the bytes after it — here, always a second, smuggled request — are never answered.
// Every Transfer-Encoding and Content-Length trick below, each with several bodies after it,
// behind GET and POST routes of the catalogue.
#include <gtest/gtest.h>

#include "tests/attack/support/http_catalogue.h"
#include "tests/attack/support/http_raw.h"
#include "tests/attack/support/http_world.h"

namespace rollcall::tests::attack::web {
namespace {

using namespace std::chrono_literals;

// Header lines (each ending in CRLF) that leave the body length ambiguous.
const std::vector<std::string> kAmbiguous = {
    "Transfer-Encoding: xchunked\r\n",
    "Transfer-Encoding: chunked, identity\r\n",
    "Transfer-Encoding: identity\r\n",
    "Transfer-Encoding: gzip, chunked\r\n",
    "Transfer-Encoding: chunked, chunked\r\n",
    "Transfer-Encoding: chunked;q=1\r\n",
    "Transfer-Encoding: \"chunked\"\r\n",
    "Transfer-Encoding: chunk\r\n",
    "Transfer-Encoding: \r\n",
    "Transfer-Encoding:  chunked\r\n",
    "Transfer-Encoding:\tchunked\r\n",
    "Transfer-Encoding: chunked\t\r\n",
    "Transfer-Encoding: chunked \r\n",
    "Transfer-Encoding: chunked\x0b\r\n",
    "Transfer-Encoding: \x0c"
    "chunked\r\n",
    "Transfer-Encoding : chunked\r\n",
    "Transfer-Encoding\t: chunked\r\n",
    "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
    "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n",
    "Transfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n",
    "Transfer-Encoding: xchunked\r\nTransfer-Encoding: chunked\r\n",
    "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
    "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
    "Content-Length: 0\r\nTransfer-Encoding: chunked\r\n",
    "Transfer-Encoding: xchunked\r\nContent-Length: 5\r\n",
    "X-Padding: x\r\n Transfer-Encoding: chunked\r\n",  // obs-fold
    "Transfer-Encoding:\r\n chunked\r\n",               // obs-fold
    "Transfer-Encoding: identity\r\n\tchunked\r\n",     // obs-fold
    "Content-Length: 5\r\n 0\r\n",                      // obs-fold
    "Transfer-Encoding: chunked\n",                     // bare LF
    "Content-Length: 5\rX-Padding: x\r\n",              // bare CR
    "Content-Length: 5\r\nContent-Length: 6\r\n",
    "Content-Length: 5\r\nContent-Length: 5\r\n",
    "Content-Length: 5, 5\r\n",
    "Content-Length: 5,6\r\n",
    "Content-Length: +5\r\n",
    "Content-Length: -5\r\n",
    "Content-Length:  5\r\n",
    "Content-Length: 5 \r\n",
    "Content-Length: 5\t\r\n",
    "Content-Length: 0x5\r\n",
    "Content-Length: 5e0\r\n",
    "Content-Length: 5 5\r\n",
    "Content-Length: \r\n",
    "Content-Length: 99999999999999999999999999\r\n",
    "Content-Length: 18446744073709551621\r\n",
};

// What follows the header: each shaped to be read as a body by one parser and as the start of
// the next request by another.
std::vector<std::string> bodies(const std::string& smuggled) {
  return {
      smuggled,
      "0\r\n\r\n" + smuggled,
      "5\r\nhello\r\n0\r\n\r\n" + smuggled,
      "hello" + smuggled,
      "3c\r\n" + smuggled + "\r\n0\r\n\r\n",
  };
}

class HttpFraming : public ::testing::Test {
 protected:
  void SetUp() override { gateway_ = &world_.start_gateway(); }

  // Where requests go: one GET route and one POST route of the catalogue, so both the plain and
  // the body-taking paths of the gateway read these headers.
  std::vector<std::pair<std::string, std::string>> entry_points() const {
    std::vector<std::pair<std::string, std::string>> out;
    bool get = false, post = false;
    for (const auto& route : route_catalogue()) {
      if (route.websocket) continue;
      const auto& method = route.method();
      if ((method == "GET" && !get) || (method == "POST" && !post)) {
        out.emplace_back(method, route.target(HttpWorld::kEvent));
        (method == "GET" ? get : post) = true;
      }
    }
    EXPECT_TRUE(get && post) << "the catalogue has no GET or no POST route";
    return out;
  }

  HttpWorld world_;
  support::GatewayProcess* gateway_ = nullptr;
};

TEST_F(HttpFraming, AmbiguousLengthsAreRefusedAndWhatFollowsIsNeverAnswered) {
  const std::string smuggled = "GET /healthz?smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
  std::size_t exchanges = 0;
  for (const auto& [method, target] : entry_points()) {
    for (const auto& fields : kAmbiguous) {
      for (const auto& body : bodies(smuggled)) {
        const std::string request =
            method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + fields + "\r\n" + body;
        SCOPED_TRACE(request);
        const auto exchange = raw_exchange(gateway_->host(), gateway_->port(), request, 5s);
        ++exchanges;
        ASSERT_EQ(exchange.responses.size(), 1u) << "smuggled request answered, or no answer";
        EXPECT_EQ(exchange.responses[0].status, 400);
        EXPECT_EQ(exchange.responses[0].header("connection"), "close");
        EXPECT_TRUE(exchange.closed) << "connection left open after an ambiguous request";
        EXPECT_EQ(exchange.trailing, "");
      }
    }
  }
  EXPECT_TRUE(gateway_->alive());
  EXPECT_EQ(raw_get(gateway_->host(), gateway_->port(), "/healthz").status, 200);
  const auto metrics = raw_get(gateway_->host(), gateway_->port(), "/metrics").body;
  EXPECT_NE(metrics.find("rollcall_http_refusals_total{reason=\"framing\"}"), std::string::npos);
  std::cout << "[ figures ] " << exchanges
            << " ambiguous requests, each refused with 400 + close\n";
}

// The control: well-framed requests followed by a pipelined one get both answered, so the test
// above would see a smuggled answer if there were one.
TEST_F(HttpFraming, WellFramedRequestsArePipelined) {
  const std::string next = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  for (const auto& [method, target] : entry_points()) {
    for (const std::string& framed : std::vector<std::string>{
             std::string("Content-Length: 5\r\n\r\nhello"), std::string("content-length:0\r\n\r\n"),
             std::string("Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
             std::string("transfer-encoding: Chunked\r\n\r\n0\r\n\r\n"), std::string("\r\n")}) {
      const std::string request =
          method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + framed + next;
      SCOPED_TRACE(request);
      const auto exchange = raw_exchange(gateway_->host(), gateway_->port(), request, 5s);
      ASSERT_EQ(exchange.responses.size(), 2u);
      EXPECT_LT(exchange.responses[0].status, 500);
      EXPECT_NE(exchange.responses[0].status, 400);
      EXPECT_EQ(exchange.responses[1].status, 200);
      EXPECT_EQ(exchange.responses[1].body, "ok\n");
    }
  }
}

TEST_F(HttpFraming, MalformedRequestsGet400AndAClose) {
  for (const std::string& request : std::vector<std::string>{
           std::string("GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n"),
           std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n: empty-name\r\n\r\n"),
           std::string("GET /he\x01lthz HTTP/1.1\r\nHost: x\r\n\r\n"),
           std::string("GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n"),
           std::string("POST /v1/webhooks/zoom HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
                       "chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"),
       }) {
    SCOPED_TRACE(request);
    const auto exchange =
        raw_exchange(gateway_->host(), gateway_->port(), request + "GET /healthz HTTP/1.1\r\n\r\n");
    ASSERT_EQ(exchange.responses.size(), 1u);
    EXPECT_EQ(exchange.responses[0].status, 400);
    EXPECT_TRUE(exchange.closed);
  }
  EXPECT_TRUE(gateway_->alive());
}

}  // namespace
}  // namespace rollcall::tests::attack::web
