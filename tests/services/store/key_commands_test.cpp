// The commands on caller-named keys: each builder says its command and key, each parser refuses
// every other shape clearly.
#include "services/store/key_commands.h"

#include <gtest/gtest.h>

#include "services/store/event_reads.h"
#include "tests/services/store/reply_shapes.h"

namespace rollcall::services::store {
namespace {

using namespace shapes;
using Args = std::vector<std::string>;

TEST(KeyCommands, BuildersNameTheirCommandAndKey) {
  EXPECT_EQ(hash_read("k"), (Args{"HGETALL", "k"}));
  EXPECT_EQ(hash_field_read("k", "f"), (Args{"HGET", "k", "f"}));
  EXPECT_EQ(hash_length_read("k"), (Args{"HLEN", "k"}));
  EXPECT_EQ(hash_field_exists_read("k", "f"), (Args{"HEXISTS", "k", "f"}));
  EXPECT_EQ(set_read("k"), (Args{"SMEMBERS", "k"}));
  EXPECT_EQ(set_member_read("k", "m"), (Args{"SISMEMBER", "k", "m"}));
  EXPECT_EQ(set_size_read("k"), (Args{"SCARD", "k"}));
  EXPECT_EQ(key_exists_read("k"), (Args{"EXISTS", "k"}));
  EXPECT_EQ(key_type_read("k"), (Args{"TYPE", "k"}));
  EXPECT_EQ(string_read("k"), (Args{"GET", "k"}));
  EXPECT_EQ(sorted_set_read("k"), (Args{"ZRANGE", "k", "0", "-1", "WITHSCORES"}));
  EXPECT_EQ(stream_info_read("k"), (Args{"XINFO", "STREAM", "k"}));
  EXPECT_EQ(hash_field_write("k", "f", "v"), (Args{"HSET", "k", "f", "v"}));
  EXPECT_EQ(hash_field_create("k", "f", "v"), (Args{"HSETNX", "k", "f", "v"}));
  EXPECT_EQ(hash_field_delete("k", "f"), (Args{"HDEL", "k", "f"}));
  EXPECT_EQ(set_remove("k", "m"), (Args{"SREM", "k", "m"}));
  EXPECT_EQ(string_write("k", "v"), (Args{"SET", "k", "v"}));
  EXPECT_EQ(counter_raise("k"), (Args{"INCR", "k"}));
  EXPECT_EQ(key_delete("k"), (Args{"DEL", "k"}));
  EXPECT_EQ(key_rename("a", "b"), (Args{"RENAME", "a", "b"}));
  EXPECT_EQ(stream_last_id_write("k", "5-1"), (Args{"XSETID", "k", "5-1"}));
}

// Many fields, members and scores: every one lands in order, none lost or merged.
TEST(KeyCommands, VariadicBuildersCarryEveryItemInOrder) {
  for (std::size_t n = 0; n < 40; ++n) {
    FieldPairs fields;
    std::vector<std::string> members;
    std::vector<std::pair<std::string, double>> scored;
    for (std::size_t i = 0; i < n; ++i) {
      fields.emplace_back("f" + std::to_string(i), std::string(i, 'v'));
      members.push_back("m" + std::to_string(i));
      scored.emplace_back("m" + std::to_string(i), 0.1 * static_cast<double>(i) - 1e15);
    }
    const auto hset = hash_write("h", fields);
    ASSERT_EQ(hset.size(), 2 + 2 * n);
    const auto xadd = stream_add("s", "9-9", fields);
    ASSERT_EQ(xadd.size(), 3 + 2 * n);
    const auto sadd = set_add("s", members);
    ASSERT_EQ(sadd.size(), 2 + n);
    const auto zadd = sorted_set_add("z", scored);
    ASSERT_EQ(zadd.size(), 2 + 2 * n);
    EXPECT_EQ(keys_unlink(members).size(), 1 + n);
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_EQ(hset[2 + 2 * i], fields[i].first);
      EXPECT_EQ(hset[3 + 2 * i], fields[i].second);
      EXPECT_EQ(xadd[4 + 2 * i], fields[i].second);
      EXPECT_EQ(sadd[2 + i], members[i]);
      // The score text reads back as the same double.
      EXPECT_EQ(std::stod(zadd[2 + 2 * i]), scored[i].second);
      EXPECT_EQ(zadd[3 + 2 * i], scored[i].first);
    }
  }
}

TEST(KeyCommands, ParsersRefuseEveryOtherShape) {
  for (const auto& reply : basic_wrong_shapes()) {
    expect_refused(read_scored(reply), reply);
    expect_refused(read_stream_last_id(reply), reply);
  }
  for (const auto& reply : {nil(), error("ERR x"), text("3"), integer(-1), array({integer(1)})}) {
    expect_refused(read_count(reply), reply);
  }
  for (const auto& reply :
       {nil(), error("ERR x"), integer(1), status("OK"), text("strings"), array({})}) {
    expect_refused(read_type(reply), reply);
  }
  for (const auto& reply : {error("ERR x"), integer(1), array({text("a")})}) {
    expect_refused(read_text(reply), reply);
  }
  // Scores that are no numbers, odd pairs.
  for (const auto& bad : {texts({"m"}), texts({"m", "x"}), texts({"m", ""}), texts({"m", "1 "}),
                          texts({"m", "1", "n"}), array({text("m"), nil()})}) {
    expect_refused(read_scored(bad), bad);
  }
  // XINFO with a nested value where the id belongs, or an odd count.
  expect_refused(read_stream_last_id(array({text("last-generated-id"), array({})})), nil());
  expect_refused(read_stream_last_id(array({text("length")})), nil());
}

TEST(KeyCommands, ParsersReadWhatRedisAnswers) {
  EXPECT_EQ(*read_count(integer(0)), 0);
  EXPECT_EQ(*read_count(integer(12)), 12);
  for (const char* type : {"none", "string", "list", "set", "zset", "hash", "stream"}) {
    EXPECT_EQ(*read_type(status(type)), type);
  }
  EXPECT_EQ(*read_text(nil()), "");
  EXPECT_EQ(*read_text(text("7")), "7");
  const auto scored = read_scored(texts({"a", "1.5", "b", "-inf", "c", "1e300"}));
  ASSERT_TRUE(scored);
  ASSERT_EQ(scored->size(), 3u);
  EXPECT_EQ((*scored)[0], (std::pair<std::string, double>{"a", 1.5}));
  EXPECT_EQ((*scored)[1].second, -std::numeric_limits<double>::infinity());
  const auto info = read_stream_last_id(
      array({text("length"), integer(3), text("first-entry"), array({text("1-0"), texts({})}),
             text("last-generated-id"), text("9-2")}));
  ASSERT_TRUE(info);
  EXPECT_EQ(**info, "9-2");
  EXPECT_FALSE(*read_stream_last_id(array({text("length"), integer(0)})));
}

TEST(KeyCommands, RandomRepliesNeverCrashAParser) {
  const int accepted =
      random_replies_through([](const Reply& r) { return read_count(r); }, 1) +
      random_replies_through([](const Reply& r) { return read_type(r); }, 2) +
      random_replies_through([](const Reply& r) { return read_text(r); }, 3) +
      random_replies_through([](const Reply& r) { return read_scored(r); }, 4) +
      random_replies_through([](const Reply& r) { return read_stream_last_id(r); }, 5);
  EXPECT_GT(accepted, 500);
}

}  // namespace
}  // namespace rollcall::services::store
