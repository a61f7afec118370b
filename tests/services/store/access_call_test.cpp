// Tokens, desks, badge keys and the ticket key: the keys and Function each builder names, and
// the 0/1 and count answers read strictly.
#include "services/store/access_call.h"

#include <gtest/gtest.h>

#include "services/store/function_library.h"
#include "tests/services/store/reply_shapes.h"

namespace rollcall::services::store {
namespace {

using namespace shapes;
using Args = std::vector<std::string>;

TEST(AccessCall, BuildersNameTheEventsKeys) {
  for (const std::string event : {"ev", "@geneva", "wsis20-2025"}) {
    const auto tokens = "{" + event + "}:tokens";
    EXPECT_EQ(token_create(event, "h", "{}"), (Args{"HSETNX", tokens, "h", "{}"}));
    EXPECT_EQ(token_write(event, "h", "{}"), (Args{"HSET", tokens, "h", "{}"}));
    EXPECT_EQ(token_exists_read(event, "h"), (Args{"HEXISTS", tokens, "h"}));
    EXPECT_EQ(desk_unforget(event, "d1"), (Args{"SREM", "{" + event + "}:forgotten_desks", "d1"}));
    const auto keys = "{" + event + "}:badge_keys";
    EXPECT_EQ(badge_key_create(event, "k", "j"), (Args{"HSETNX", keys, "k", "j"}));
    EXPECT_EQ(badge_key_write(event, "k", "j"), (Args{"HSET", keys, "k", "j"}));
    EXPECT_EQ(badge_key_read(event, "k"), (Args{"HGET", keys, "k"}));
    EXPECT_EQ(ticket_key_write(event, "ab"),
              (Args{"HSET", "{" + event + "}:secrets", "tickets", "ab"}));
    EXPECT_EQ(
        forget_desk_call(event, "d1", 1700000000000),
        (Args{"FCALL", "rollcall_forget_desk", "1", "{" + event + "}", "d1", "1700000000000"}));
  }
}

TEST(AccessCall, AnswersAreReadStrictly) {
  EXPECT_TRUE(*read_created(integer(1)));
  EXPECT_FALSE(*read_created(integer(0)));
  EXPECT_EQ(*read_forget_desk(integer(5)), 5);
  for (const auto& reply : basic_wrong_shapes()) {
    if (reply.type == Type::integer) continue;
    expect_refused(read_created(reply), reply);
    expect_refused(read_forget_desk(reply), reply);
  }
  for (const long long n : {-1LL, 2LL, 99LL}) expect_refused(read_created(integer(n)), integer(n));
  expect_refused(read_forget_desk(integer(-1)), integer(-1));
  random_replies_through([](const Reply& r) { return read_created(r); }, 31);
  random_replies_through([](const Reply& r) { return read_forget_desk(r); }, 32);
}

TEST(FunctionLibrary, LoadAndMissingFunction) {
  const auto load = function_load();
  ASSERT_EQ(load.size(), 4u);
  EXPECT_EQ(load[0], "FUNCTION");
  EXPECT_EQ(load[2], "REPLACE");
  EXPECT_EQ(load[3], function_library());
  EXPECT_TRUE(is_function_missing("redis at x refused FCALL: ERR Function not found"));
  EXPECT_FALSE(is_function_missing("ERR wrong number of arguments"));
}

}  // namespace
}  // namespace rollcall::services::store
