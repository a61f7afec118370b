// The archive's position reads and whole-key reads.
#include "services/store/archive_call.h"

#include <gtest/gtest.h>

#include "tests/services/store/reply_shapes.h"

namespace rollcall::services::store {
namespace {

using namespace shapes;
using Args = std::vector<std::string>;

TEST(ArchiveCall, PositionReadsAndWholeKeyReads) {
  EXPECT_EQ(position_reads("ev"),
            (std::vector<Args>{{"GET", "{ev}:seq"},
                               {"XREVRANGE", "{ev}:log", "+", "-", "COUNT", "1"},
                               {"XLEN", "{ev}:log"}}));
  EXPECT_EQ(*whole_key_read("k", "string"), (Args{"GET", "k"}));
  EXPECT_EQ(*whole_key_read("k", "hash"), (Args{"HGETALL", "k"}));
  EXPECT_EQ(*whole_key_read("k", "set"), (Args{"SMEMBERS", "k"}));
  EXPECT_EQ(*whole_key_read("k", "zset"), (Args{"ZRANGE", "k", "0", "-1", "WITHSCORES"}));
  for (const char* type : {"list", "stream", "none", "", "HASH"}) {
    EXPECT_FALSE(whole_key_read("k", type)) << type;
  }
}

Reply entry(const std::string& id) {
  return array({text(id), texts({"type", "scan"})});
}

TEST(ArchiveCall, PositionIsReadStrictly) {
  const auto at = read_position(text("12"), array({entry("5-1")}), integer(3));
  ASSERT_TRUE(at);
  EXPECT_EQ(*at, (EventPosition{.seq = "12", .last_id = "5-1", .log_length = 3}));
  const auto empty = read_position(nil(), array({}), integer(0));
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, EventPosition{});
  // Each of the three replies of a wrong shape refuses the position.
  for (const auto& bad : basic_wrong_shapes()) {
    if (bad.type != Type::nil && bad.type != Type::string) {
      expect_refused(read_position(bad, array({}), integer(0)), bad);
    }
    expect_refused(read_position(nil(), bad, integer(0)), bad);
    if (bad.type != Type::integer) expect_refused(read_position(nil(), array({}), bad), bad);
  }
  expect_refused(read_position(nil(), array({entry("1-0"), entry("2-0")}), integer(2)), nil());
  expect_refused(read_position(nil(), array({entry("x")}), integer(1)), nil());
  expect_refused(read_position(nil(), array({}), integer(-1)), integer(-1));
  std::mt19937_64 random(71);
  for (int i = 0; i < 3000; ++i) {
    const auto a = random_reply(random), b = random_reply(random), c = random_reply(random);
    const auto read = read_position(a, b, c);
    if (!read) {
      EXPECT_FALSE(read.error.cause.empty());
    }
  }
}

}  // namespace
}  // namespace rollcall::services::store
