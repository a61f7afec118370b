// Protocol Buffers' own warnings (one per message parsed with a bad string field) reach the log
// through spdlog, bounded, instead of stderr at the client's pace.
#include "gateway/protobuf_log.h"

#include <gtest/gtest.h>

#include "rollcall/v1/rollcall.pb.h"
#include "tests/support/log_capture.h"

namespace rollcall::tests::gateway {
namespace {

TEST(ProtobufLog, AFloodOfBadFramesIsLoggedAtMostOnceASecond) {
  rollcall::gateway::route_protobuf_log();
  support::LogCapture log;
  // Field 1 (scan_id), a string, with two bytes that are not UTF-8.
  const std::string frame("\x0a\x02\xff\xfe", 4);
  for (int i = 0; i < 2000; ++i) {
    v1::ScanRequest request;
    request.ParseFromString(frame);
  }
  const auto lines = log.lines_with("protobuf:");
  ASSERT_GE(lines.size(), 1u) << "protobuf's warning did not reach the log";
  EXPECT_LE(lines.size(), 3u) << "2,000 bad frames, logged within a second or so";
  for (const auto& line : lines) {
    EXPECT_NE(line.find("UTF-8"), std::string::npos) << line;
    for (const char c : line) EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20) << line;
  }
}

}  // namespace
}  // namespace rollcall::tests::gateway
