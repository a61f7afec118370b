#include "gateway/redis/url.h"

#include <gtest/gtest.h>

namespace rollcall::tests::gateway::redis {
namespace {

using rollcall::gateway::redis::Url;

Url must_parse(std::string_view text) {
  std::string error;
  auto url = Url::parse(text, &error);
  EXPECT_TRUE(url.has_value()) << text << ": " << error;
  return url.value_or(Url{});
}

std::string must_fail(std::string_view text) {
  std::string error;
  auto url = Url::parse(text, &error);
  EXPECT_FALSE(url.has_value()) << text;
  EXPECT_FALSE(error.empty()) << text;
  EXPECT_EQ(error.find('\n'), std::string::npos) << "errors are one line";
  return error;
}

TEST(RedisUrl, HostAndDefaults) {
  Url url = must_parse("redis://127.0.0.1");
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, 6379);
  EXPECT_EQ(url.db, 0);
  EXPECT_TRUE(url.username.empty());
  EXPECT_TRUE(url.password.empty());
}

TEST(RedisUrl, PortAndDb) {
  Url url = must_parse("redis://redis.internal:6380/3");
  EXPECT_EQ(url.host, "redis.internal");
  EXPECT_EQ(url.port, 6380);
  EXPECT_EQ(url.db, 3);
  EXPECT_EQ(must_parse("redis://h:1/").db, 0);
}

TEST(RedisUrl, PasswordOnly) {
  Url url = must_parse("redis://:s3cret@127.0.0.1:6379");
  EXPECT_TRUE(url.username.empty());
  EXPECT_EQ(url.password, "s3cret");
}

TEST(RedisUrl, UserAndPassword) {
  Url url = must_parse("redis://gateway:p%40ss@localhost/2");
  EXPECT_EQ(url.username, "gateway");
  EXPECT_EQ(url.password, "p@ss");  // percent-decoded
  EXPECT_EQ(url.host, "localhost");
  EXPECT_EQ(url.db, 2);
}

TEST(RedisUrl, Ipv6Literal) {
  Url url = must_parse("redis://[::1]:7000");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, 7000);
}

TEST(RedisUrl, BadScheme) {
  EXPECT_NE(must_fail("http://127.0.0.1:6379").find("scheme"), std::string::npos);
  must_fail("rediss://127.0.0.1");
  must_fail("127.0.0.1:6379");
  must_fail("");
}

TEST(RedisUrl, BadPort) {
  EXPECT_NE(must_fail("redis://h:0").find("port"), std::string::npos);
  must_fail("redis://h:65536");
  must_fail("redis://h:http");
}

TEST(RedisUrl, BadDbHostAndExtras) {
  EXPECT_NE(must_fail("redis://h/x").find("database"), std::string::npos);
  must_fail("redis://h/1/2");
  must_fail("redis://h/-1");
  must_fail("redis:///0");
  must_fail("redis://h?db=1");
  must_fail("redis://user@h");  // ambiguous: a password needs the colon
}

}  // namespace
}  // namespace rollcall::tests::gateway::redis
