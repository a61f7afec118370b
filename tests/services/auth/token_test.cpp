#include "services/auth/token.h"

#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <set>

#include "services/auth/token_check.h"

namespace rollcall::services::auth {
namespace {

using google::protobuf::util::TimeUtil;

TEST(Token, IsLongRandomAndSafeInAHeaderOrSubprotocol) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const auto token = generate_token();
    EXPECT_EQ(token.size(), 3u + 43u);
    EXPECT_TRUE(token.starts_with("rc_"));
    for (const char c : token) {
      EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << token;
    }
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(Token, HashIsSha256HexAndIdIsItsPrefix) {
  // SHA-256("abc"), FIPS 180-2 appendix B.1.
  EXPECT_EQ(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(token_id(token_hash("abc")), "ba7816bf8f01");
}

TEST(TokenCheck, RefusesUnknownRevokedAndExpiredTokens) {
  const auto now = std::chrono::system_clock::now();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch());
  EXPECT_EQ(check_token(nullptr, now), TokenVerdict::unknown);

  v1::TokenRecord record;
  EXPECT_EQ(check_token(&record, now), TokenVerdict::unknown);  // no role: not a real record
  record.set_role(v1::desk);
  EXPECT_EQ(check_token(&record, now), TokenVerdict::ok);

  *record.mutable_expires_at() = TimeUtil::SecondsToTimestamp(seconds.count() + 60);
  EXPECT_EQ(check_token(&record, now), TokenVerdict::ok);
  *record.mutable_expires_at() = TimeUtil::SecondsToTimestamp(seconds.count() - 1);
  EXPECT_EQ(check_token(&record, now), TokenVerdict::expired);

  record.clear_expires_at();
  *record.mutable_revoked_at() = TimeUtil::SecondsToTimestamp(seconds.count() - 1);
  EXPECT_EQ(check_token(&record, now), TokenVerdict::revoked);
  EXPECT_STREQ(verdict_name(TokenVerdict::revoked), "revoked");
}

TEST(TokenCheck, ADeskIsItsToken) {
  v1::TokenRecord record;
  record.set_id("3f1c0a9b2e7d");
  record.set_role(v1::desk);
  EXPECT_EQ(desk_id_of(record), "3f1c0a9b2e7d");  // issued without --desk
  record.set_desk_id("hall-a-1");
  EXPECT_EQ(desk_id_of(record), "hall-a-1");
}

}  // namespace
}  // namespace rollcall::services::auth
