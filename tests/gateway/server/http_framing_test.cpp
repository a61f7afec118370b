#include "gateway/server/http_framing.h"

#include <gtest/gtest.h>

namespace rollcall::gateway::server {
namespace {

std::string header(std::string_view fields) {
  return "POST /v1/webhooks/zoom HTTP/1.1\r\nHost: x\r\n" + std::string(fields) + "\r\n";
}

TEST(HttpFraming, PlainRequestsPass) {
  EXPECT_EQ(framing_problem("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), "");
  EXPECT_EQ(framing_problem(header("Content-Length: 12\r\n")), "");
  EXPECT_EQ(framing_problem(header("content-length:0\r\n")), "");
  EXPECT_EQ(framing_problem(header("Transfer-Encoding: chunked\r\n")), "");
  EXPECT_EQ(framing_problem(header("transfer-encoding:CHUNKED\r\n")), "");
  EXPECT_EQ(framing_problem(header("X-Transfer-Encoding: gzip\r\nX-Content-Length: a\r\n")), "");
}

TEST(HttpFraming, AmbiguousLengthsAreRefused) {
  for (const std::string& fields : std::vector<std::string>{
           "Transfer-Encoding: xchunked\r\n",
           "Transfer-Encoding: chunked, identity\r\n",
           "Transfer-Encoding: identity\r\n",
           "Transfer-Encoding: gzip, chunked\r\n",
           "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
           "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n",
           "Transfer-Encoding:\r\n",
           "Transfer-Encoding: \"chunked\"\r\n",
           "Transfer-Encoding:  chunked\r\n",
           "Transfer-Encoding:\tchunked\r\n",
           "Transfer-Encoding: chunked\t\r\n",
           "Transfer-Encoding: chunked \r\n",
           "Transfer-Encoding: chunked\x0b\r\n",
           "Content-Length:  5\r\n",
           "Content-Length: 5 \r\n",
           "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
           "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
           "Content-Length: 5\r\nContent-Length: 5\r\n",
           "Content-Length: 5\r\nContent-Length: 6\r\n",
           "Content-Length: 5, 5\r\n",
           "Content-Length: +5\r\n",
           "Content-Length: -5\r\n",
           "Content-Length: 0x5\r\n",
           "Content-Length: 5 5\r\n",
           "Content-Length: \r\n",
           "Content-Length: 99999999999999999999999\r\n",
           "X-Padding: a\r\n Transfer-Encoding: chunked\r\n",
           "Transfer-Encoding:\r\n chunked\r\n",
           "Transfer-Encoding: chunked\n",
           "Content-Length: 5\rX: y\r\n",
       }) {
    SCOPED_TRACE(fields);
    EXPECT_NE(framing_problem(header(fields)), "");
  }
}

}  // namespace
}  // namespace rollcall::gateway::server
