#include "services/auth/credentials.h"

#include <gtest/gtest.h>

namespace rollcall::services::auth {
namespace {

TEST(Credentials, BearerTokenIsTheOnlyAcceptedScheme) {
  EXPECT_EQ(bearer_token("Bearer rc_abc"), "rc_abc");
  EXPECT_EQ(bearer_token("bearer   rc_abc  "), "rc_abc");
  EXPECT_EQ(bearer_token("Basic dXNlcjpwYXNz"), std::nullopt);
  EXPECT_EQ(bearer_token("Bearer"), std::nullopt);
  EXPECT_EQ(bearer_token("Bearer "), std::nullopt);
  EXPECT_EQ(bearer_token("Bearer a b"), std::nullopt);
  EXPECT_EQ(bearer_token(""), std::nullopt);
}

TEST(Credentials, SubprotocolTokenIsFoundAnywhereInTheList) {
  EXPECT_EQ(subprotocol_token("rollcall.token.rc_x"), "rc_x");
  EXPECT_EQ(subprotocol_token("rollcall.v1.json, rollcall.token.rc_x"), "rc_x");
  EXPECT_EQ(subprotocol_token(" rollcall.token.rc_x ,rollcall.v1.json"), "rc_x");
  EXPECT_EQ(subprotocol_token("rollcall.v1.json"), std::nullopt);
  EXPECT_EQ(subprotocol_token("rollcall.token."), std::nullopt);
  EXPECT_EQ(subprotocol_token("rollcall.token.a b"), std::nullopt);  // found by the fuzzer
  EXPECT_EQ(subprotocol_token(""), std::nullopt);
}

TEST(Credentials, TicketsAndTokensHaveTheirOwnSubprotocols) {
  EXPECT_EQ(subprotocol_ticket("rollcall.v1.json, rollcall.ticket.rt1.a.b"), "rt1.a.b");
  EXPECT_EQ(subprotocol_ticket("rollcall.token.rc_x"), std::nullopt);
  EXPECT_EQ(subprotocol_token("rollcall.ticket.rt1.a.b"), std::nullopt);
  EXPECT_EQ(subprotocol_ticket("rollcall.ticket."), std::nullopt);
  EXPECT_EQ(subprotocol_ticket("rollcall.ticket.a\tb"), std::nullopt);
}

}  // namespace
}  // namespace rollcall::services::auth
