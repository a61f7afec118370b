// The cause texts of gateway/redis_failure.cpp, for replies of every type (the process-level
// behaviour is in redis_failure_process_test.cpp).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <spdlog/fmt/fmt.h>

#include "gateway/redis_failure.h"
#include "redis/error.h"

namespace rollcall::tests::gateway {
namespace {

using rollcall::gateway::link_failure;
using rollcall::gateway::reply_failure;
using rollcall::redis::Reply;

// ---- the cause texts -----------------------------------------------------------------------

TEST(RedisFailureCause, ErrorRepliesAreQuotedAndBounded) {
  for (const std::size_t length : {0, 1, 20, 127, 128, 129, 1000, 100000}) {
    Reply reply{.type = Reply::Type::error, .str = "ERR " + std::string(length, 'x')};
    const auto failure = reply_failure(reply, "an array");
    EXPECT_EQ(failure.kind, "error_reply");
    EXPECT_EQ(failure.cause.rfind("Redis answered \"ERR ", 0), 0u) << failure.cause;
    EXPECT_LE(failure.cause.size(), 160u) << length;  // quote_input: at most 128 bytes of it
  }
}

TEST(RedisFailureCause, OddShapesNameWhatCameAndWhatWasExpected) {
  const std::vector<std::pair<Reply, std::string>> cases = {
      {Reply{.type = Reply::Type::nil}, "nil"},
      {Reply{.type = Reply::Type::integer, .integer = 7}, "integer"},
      {Reply{.type = Reply::Type::status, .str = "OK"}, "status"},
      {Reply{.type = Reply::Type::string, .str = "x"}, "string"},
      {Reply{.type = Reply::Type::array, .elements = std::vector<Reply>(3)}, "array of 3 elements"},
      {Reply{.type = Reply::Type::array}, "array of 0 elements"},
  };
  for (const auto& [reply, shape] : cases) {
    const auto failure = reply_failure(reply, "[seq, counters]");
    EXPECT_EQ(failure.kind, "reply_shape");
    EXPECT_EQ(failure.cause, "Redis answered " + shape + " where [seq, counters] was expected");
  }
}

TEST(RedisFailureCause, LinkFailuresCarryTheConnectionsReason) {
  const auto lost = link_failure(rollcall::redis::error::unavailable,
                                 "connection to 127.0.0.1:6379 lost: Connection reset by peer");
  EXPECT_EQ(lost.kind, "link");
  EXPECT_EQ(lost.cause,
            "redis unavailable: connection to 127.0.0.1:6379 lost: Connection reset by peer");
  const auto long_reason =
      link_failure(rollcall::redis::error::unavailable, std::string(5000, 'r'));
  EXPECT_LE(long_reason.cause.size(), 160u);
  EXPECT_EQ(link_failure(rollcall::redis::error::not_replicated, "ignored").cause,
            "redis write not acknowledged by enough replicas in time");
}

}  // namespace
}  // namespace rollcall::tests::gateway

namespace rollcall::tests::gateway {
namespace {

TEST(RedisFailureCause, ControlCharactersInRedisTextAreEscapedNotPassedToTheLog) {
  for (int byte = 0; byte < 0x20; ++byte) {
    const std::string text = "ERR a" + std::string(1, static_cast<char>(byte)) + "b";
    const auto cause = reply_failure(Reply{.type = Reply::Type::error, .str = text}, "x").cause;
    EXPECT_EQ(cause, fmt::format("Redis answered \"ERR a\\x{:02x}b\"", byte));
  }
  const auto del = rollcall::gateway::quote_redis_text("a\x7f");
  EXPECT_EQ(del, "a\\x7f");
  const auto link = link_failure(rollcall::redis::error::unavailable, "lost\r\nFAKE LINE");
  EXPECT_EQ(link.cause, "redis unavailable: lost\\x0d\\x0aFAKE LINE");
}

}  // namespace
}  // namespace rollcall::tests::gateway
