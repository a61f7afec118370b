#include "tools/import/redis_url.h"

#include <stdexcept>

#include <gtest/gtest.h>

namespace rollcall::tools::import {
namespace {

TEST(RedisUrl, Forms) {
  auto u = RedisUrl::parse("redis://127.0.0.1:6379");
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, 6379);
  EXPECT_EQ(u.db, 0);
  EXPECT_TRUE(u.password.empty());

  u = RedisUrl::parse("redis://cache.local");
  EXPECT_EQ(u.host, "cache.local");
  EXPECT_EQ(u.port, 6379);

  u = RedisUrl::parse("redis://:s%40cret@10.0.0.5:7000/3");
  EXPECT_EQ(u.host, "10.0.0.5");
  EXPECT_EQ(u.port, 7000);
  EXPECT_EQ(u.user, "");
  EXPECT_EQ(u.password, "s@cret");
  EXPECT_EQ(u.db, 3);

  u = RedisUrl::parse("redis://importer:pw@[::1]:6380/");
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.user, "importer");
  EXPECT_EQ(u.password, "pw");
  EXPECT_EQ(u.db, 0);
  EXPECT_EQ(u.where(), "::1:6380");
}

TEST(RedisUrl, Rejects) {
  for (const char* bad : {"", "127.0.0.1:6379", "http://h:1", "rediss://h", "redis://",
                          "redis://h:0", "redis://h:99999", "redis://h/x", "redis://h/1/2",
                          "redis://user@h", "redis://h?db=1", "redis://h:port"}) {
    EXPECT_THROW(RedisUrl::parse(bad), std::invalid_argument) << bad;
  }
}

}  // namespace
}  // namespace rollcall::tools::import
