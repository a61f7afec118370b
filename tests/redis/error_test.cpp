#include "redis/error.h"

#include <system_error>

#include <gtest/gtest.h>

namespace rollcall::tests::redis {
namespace {

namespace rr = rollcall::redis;

TEST(RedisError, BoostErrorCode) {
  boost::system::error_code ec = rr::error::unavailable;
  EXPECT_TRUE(ec.failed());
  EXPECT_EQ(ec, rr::error::unavailable);
  EXPECT_NE(ec, rr::error::protocol);
  EXPECT_EQ(ec.message(), "redis unavailable");
  EXPECT_STREQ(ec.category().name(), "rollcall.redis");
}

TEST(RedisError, StdErrorCode) {
  std::error_code ec = rr::error::subscriber_mode;
  EXPECT_EQ(ec, rr::error::subscriber_mode);
  EXPECT_EQ(ec.message(), "redis connection is in subscriber mode");
  // A Boost code converted to std compares equal to the enum too.
  boost::system::error_code boost_ec = rr::error::protocol;
  std::error_code converted = boost_ec;
  EXPECT_EQ(converted, rr::error::protocol);
}

TEST(RedisError, NotReplicatedIsItsOwnCode) {
  boost::system::error_code ec = rr::error::not_replicated;
  EXPECT_NE(ec, rr::error::unavailable);
  EXPECT_NE(ec.message().find("replicas"), std::string::npos) << ec.message();
}

}  // namespace
}  // namespace rollcall::tests::redis
