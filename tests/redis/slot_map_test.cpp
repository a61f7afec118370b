#include "redis/slot_map.h"

#include <gtest/gtest.h>

namespace rollcall::tests::redis {
namespace {

namespace rr = rollcall::redis;
using rr::Reply;

Reply integer(long long value) {
  return Reply{.type = Reply::Type::integer, .integer = value};
}
Reply text(std::string value) {
  return Reply{.type = Reply::Type::string, .str = std::move(value)};
}
Reply array(std::vector<Reply> elements) {
  return Reply{.type = Reply::Type::array, .elements = std::move(elements)};
}
Reply range(long long start, long long end, std::string host, long long port) {
  return array({integer(start), integer(end),
                array({text(std::move(host)), integer(port), text("id")}),
                array({text("127.0.0.9"), integer(9), text("replica")})});
}

TEST(SlotMap, ReadsClusterSlots) {
  std::string error;
  const auto map =
      rr::SlotMap::parse(array({range(0, 5460, "127.0.0.1", 7000), range(5461, 10922, "", 7001),
                                range(10923, 16383, "127.0.0.1", 7002)}),
                         "10.1.1.1", &error);
  ASSERT_TRUE(map) << error;
  EXPECT_EQ(map->owner(0), "127.0.0.1:7000");
  EXPECT_EQ(map->owner(5460), "127.0.0.1:7000");
  EXPECT_EQ(map->owner(5461), "10.1.1.1:7001") << "an unknown host is the one that answered";
  EXPECT_EQ(map->owner(16383), "127.0.0.1:7002");
  EXPECT_EQ(map->unowned(), 0u);
  EXPECT_EQ(map->nodes().size(), 3u) << "replicas are not routed to";
}

TEST(SlotMap, GapsAndMovesAreSeen) {
  std::string error;
  auto map = rr::SlotMap::parse(array({range(0, 99, "::1", 7000)}), "h", &error);
  ASSERT_TRUE(map) << error;
  EXPECT_EQ(map->owner(5), "[::1]:7000");
  EXPECT_EQ(map->owner(100), "");
  EXPECT_EQ(map->unowned(), 16384u - 100u);
  map->assign(5, "127.0.0.1:7003");
  EXPECT_EQ(map->owner(5), "127.0.0.1:7003");
  EXPECT_EQ(map->owner(6), "[::1]:7000");
}

TEST(SlotMap, RefusesOtherShapes) {
  std::string error;
  EXPECT_FALSE(rr::SlotMap::parse(Reply{.type = Reply::Type::error,
                                        .str = "ERR This instance "
                                               "has cluster support "
                                               "disabled"},
                                  "h", &error));
  EXPECT_NE(error.find("cluster support disabled"), std::string::npos);
  EXPECT_FALSE(rr::SlotMap::parse(array({range(0, 16384, "h", 1)}), "h", &error));
  EXPECT_FALSE(rr::SlotMap::parse(array({range(10, 5, "h", 1)}), "h", &error));
  EXPECT_FALSE(rr::SlotMap::parse(array({range(0, 5, "h", 0)}), "h", &error));
  EXPECT_FALSE(rr::SlotMap::parse(array({array({integer(0)})}), "h", &error));
  EXPECT_FALSE(rr::SlotMap::parse(text("x"), "h", &error));
}

}  // namespace
}  // namespace rollcall::tests::redis
