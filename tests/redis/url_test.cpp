#include "redis/url.h"

#include <gtest/gtest.h>

#include <tuple>
#include <vector>

namespace rollcall::tests::redis {
namespace {

using rollcall::redis::Url;

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

TEST(RedisUrl, PlainUrlIsNoSentinel) {
  Url url = must_parse("redis://h:1");
  EXPECT_FALSE(url.sentinel());
  EXPECT_EQ(url.where(), "h:1");
}

TEST(RedisUrl, SentinelHostsMasterAndDefaults) {
  Url url = must_parse("redis+sentinel://10.0.0.1,10.0.0.2:26380,[::1]/rollcall");
  ASSERT_TRUE(url.sentinel());
  ASSERT_EQ(url.sentinels.size(), 3u);
  EXPECT_EQ(url.sentinels[0].host, "10.0.0.1");
  EXPECT_EQ(url.sentinels[0].port, 26379);  // Sentinel's default port
  EXPECT_EQ(url.sentinels[1].host, "10.0.0.2");
  EXPECT_EQ(url.sentinels[1].port, 26380);
  EXPECT_EQ(url.sentinels[2].host, "::1");
  EXPECT_EQ(url.master_name, "rollcall");
  EXPECT_EQ(url.db, 0);
  EXPECT_TRUE(url.password.empty());
  EXPECT_TRUE(url.sentinel_password.empty());
  EXPECT_EQ(url.where(), "sentinel master rollcall via 10.0.0.1:26379,10.0.0.2:26380,[::1]:26379");
}

TEST(RedisUrl, SentinelCredentialsAndOptions) {
  Url url = must_parse(
      "redis+sentinel://gw:p%40ss@s1:1,s2:2/my%20master?db=3&sentinel_password=s%26cret");
  EXPECT_EQ(url.username, "gw");
  EXPECT_EQ(url.password, "p@ss");
  EXPECT_EQ(url.master_name, "my master");
  EXPECT_EQ(url.db, 3);
  EXPECT_EQ(url.sentinel_password, "s&cret");
  EXPECT_EQ(url.sentinels.size(), 2u);
  EXPECT_EQ(url.where().find("p@ss"), std::string::npos) << "no secrets in where()";
  EXPECT_EQ(url.where().find("s&cret"), std::string::npos);
  EXPECT_EQ(must_parse("redis+sentinel://:pw@s1/m").password, "pw");
}

TEST(RedisUrl, BadSentinelUrls) {
  EXPECT_NE(must_fail("redis+sentinel://s1:1,s2:2").find("master name"), std::string::npos);
  must_fail("redis+sentinel://s1/");
  must_fail("redis+sentinel://s1/a/b");
  EXPECT_NE(must_fail("redis+sentinel://s1,,s2/m").find("sentinel address"), std::string::npos);
  must_fail("redis+sentinel://s1,/m");
  must_fail("redis+sentinel:///m");
  EXPECT_NE(must_fail("redis+sentinel://s1:0/m").find("port"), std::string::npos);
  must_fail("redis+sentinel://s1:x/m");
  EXPECT_NE(must_fail("redis+sentinel://s1/m?db=x").find("db"), std::string::npos);
  EXPECT_NE(must_fail("redis+sentinel://s1/m?tls=1").find("unknown option"), std::string::npos);
  must_fail("redis+sentinel://user@s1/m");  // ambiguous, as in the plain form
  must_fail("redis+sentinel://s1/m#x");
}

TEST(RedisUrl, ClusterNodes) {
  Url url = must_parse("redis+cluster://:p%40ss@127.0.0.1:7000,[::1]:7001,node3");
  ASSERT_EQ(url.nodes.size(), 3u);
  EXPECT_TRUE(url.cluster());
  EXPECT_FALSE(url.sentinel());
  EXPECT_EQ(url.nodes[1].host, "::1");
  EXPECT_EQ(url.nodes[1].port, 7001);
  EXPECT_EQ(url.nodes[2].port, 6379) << "the default port of a node";
  EXPECT_EQ(url.password, "p@ss");
  // A single link (a subscriber) goes to the first node.
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, 7000);
  EXPECT_EQ(url.where(), "cluster via 127.0.0.1:7000,[::1]:7001,node3:6379");
  EXPECT_EQ(must_parse("redis+cluster://h:1/").nodes.size(), 1u);
}

TEST(RedisUrl, BadClusterUrls) {
  EXPECT_NE(must_fail("redis+cluster://h:1,,h:2").find("node address"), std::string::npos);
  EXPECT_NE(must_fail("redis+cluster://h:1/0").find("no database"), std::string::npos);
  must_fail("redis+cluster://h:1?db=1");
  must_fail("redis+cluster://h:0");
  must_fail("redis+cluster://");
  must_fail("redis+cluster://user@h:1");
}

TEST(RedisUrl, EndpointTextAndBack) {
  // The form cluster replies and logs use; of_text() gives back what hiredis connects to.
  for (const auto& [host, port, text] :
       std::vector<std::tuple<std::string, unsigned short, std::string>>{
           {"127.0.0.1", 7000, "127.0.0.1:7000"},
           {"redis-a", 6379, "redis-a:6379"},
           {"::1", 7001, "[::1]:7001"},
           {"fe80::2", 65535, "[fe80::2]:65535"}}) {
    const Url::Endpoint endpoint{host, port};
    EXPECT_EQ(endpoint.text(), text);
    const auto back = Url::Endpoint::of_text(text);
    EXPECT_EQ(back.host, host) << text;
    EXPECT_EQ(back.port, port) << text;
  }
}

}  // namespace
}  // namespace rollcall::tests::redis
