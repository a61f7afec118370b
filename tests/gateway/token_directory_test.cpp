// gateway/token_directory.cpp: tokens as rollcall-admin stores them, read through the real link
// (every role against every access, unknown, expired, revoked and garbage records), and every
// Redis failure answered `unavailable` — counted by kind, logged with its cause, never cached,
// never a grant.
#include <gtest/gtest.h>

#include <google/protobuf/util/time_util.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gateway/token_directory.h"
#include "redis/error.h"
#include "services/auth/access.h"
#include "services/auth/token.h"
#include "services/store/keys.h"
#include "services/wire/codec.h"
#include "tests/gateway/unit_fixtures.h"
#include "tests/support/log_capture.h"
#include "tests/support/scripted_commands.h"
#include "tests/support/tokens.h"

namespace rollcall::tests::gateway {
namespace {

using google::protobuf::util::TimeUtil;
using rollcall::gateway::TokenDirectory;
using services::auth::Access;
using services::auth::kAllAccess;
using support::ScriptedCommands;
using TokenDirectoryLive = LiveTest;

TEST_F(TokenDirectoryLive, EveryRoleAgainstEveryAccess) {
  TokenDirectory tokens(redis_.connection());
  for (const auto role : {v1::desk, v1::platform, v1::display, v1::organizer}) {
    const auto token = support::issue_token(redis_.server(), "ev", role);
    for (const auto access : kAllAccess) {
      const auto decision = redis_.io().run(tokens.authorize("ev", token, access));
      const bool allowed = services::auth::role_allows(role, access);
      EXPECT_EQ(decision.allowed, allowed)
          << v1::Role_Name(role) << " " << services::auth::access_name(access);
      EXPECT_EQ(decision.refusal, allowed ? "" : "forbidden");
      EXPECT_FALSE(decision.unavailable);
      EXPECT_EQ(decision.role, role);
      EXPECT_EQ(decision.token_id, services::auth::token_id(services::auth::token_hash(token)));
    }
    // The same token names no other event.
    EXPECT_EQ(redis_.io().run(tokens.authorize("other", token, Access::watch_totals)).refusal,
              "unknown");
  }
}

TEST_F(TokenDirectoryLive, DeskTokensCarryTheirDeskAndScopes) {
  TokenDirectory tokens(redis_.connection());
  const auto kiosk = support::issue_desk_token(redis_.server(), "ev", "hall-3");
  const auto decision = redis_.io().run(tokens.authorize("ev", kiosk, Access::scan));
  EXPECT_TRUE(decision.allowed);
  EXPECT_EQ(decision.desk_id, "hall-3");
  EXPECT_TRUE(decision.scopes.empty());
  v1::TokenRecord registration;
  registration.set_role(v1::desk);
  registration.set_name("Registration 1");
  registration.add_scopes(v1::registration);
  const auto desk = support::issue_token(redis_.server(), "ev", registration);
  const auto with_scope = redis_.io().run(tokens.authorize("ev", desk, Access::scan));
  EXPECT_TRUE(with_scope.allowed);
  EXPECT_EQ(with_scope.scopes, std::vector<int>{v1::registration});
  EXPECT_EQ(with_scope.name, "Registration 1");
}

TEST_F(TokenDirectoryLive, MissingUnknownExpiredRevokedAndGarbageAreRefused) {
  TokenDirectory tokens(redis_.connection());
  const auto refusal = [&](const std::string& token) {
    const auto decision = redis_.io().run(tokens.authorize("ev", token, Access::watch_totals));
    EXPECT_EQ(decision.allowed, decision.refusal.empty()) << token.size();
    EXPECT_FALSE(decision.unavailable) << token.size();
    return decision.refusal;
  };
  EXPECT_EQ(refusal(""), "missing");
  // Made-up tokens of every kind.
  for (const auto& made_up :
       {std::string("x"), services::auth::generate_token(), std::string(100000, 'a'),
        std::string("\0\xff\n\r", 4), std::string("tok en;\"' OR 1=1")}) {
    EXPECT_EQ(refusal(made_up), "unknown");
  }
  const auto now = std::chrono::system_clock::now();
  const auto at = [](std::chrono::system_clock::time_point t) {
    return TimeUtil::MillisecondsToTimestamp(
        std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
  };
  v1::TokenRecord expired;
  expired.set_role(v1::organizer);
  *expired.mutable_expires_at() = at(now - std::chrono::seconds(1));
  EXPECT_EQ(refusal(support::issue_token(redis_.server(), "ev", expired)), "expired");
  v1::TokenRecord not_yet_expired = expired;
  *not_yet_expired.mutable_expires_at() = at(now + std::chrono::hours(1));
  EXPECT_EQ(refusal(support::issue_token(redis_.server(), "ev", not_yet_expired)), "");
  v1::TokenRecord revoked;
  revoked.set_role(v1::organizer);
  *revoked.mutable_revoked_at() = at(now - std::chrono::seconds(1));
  EXPECT_EQ(refusal(support::issue_token(redis_.server(), "ev", revoked)), "revoked");
  // Records no rollcall-admin wrote: never a grant.
  for (const auto& garbage :
       {std::string(""), std::string("{"), std::string("[]"), std::string("null"),
        std::string("\"organizer\""), std::string("{\"role\":\"emperor\"}"),
        std::string("{\"role\":4,\"expiresAt\":\"yesterday\"}"), std::string(100000, '{'),
        std::string("\xff\xfe", 2)}) {
    const auto token = services::auth::generate_token();
    redis_.command(
        {"HSET", services::store::tokens_key("ev"), services::auth::token_hash(token), garbage});
    EXPECT_EQ(refusal(token), "unknown") << garbage.substr(0, 40);
  }
}

// ---- failures a real server will not give on demand ------------------------------------

using TokenDirectoryScripted = ScriptedTest;

TEST_F(TokenDirectoryScripted, EveryFailureIsUnavailableCountedLoggedAndNotCached) {
  commands_->set_last_error("connection to 127.0.0.1:6379 refused");
  TokenDirectory tokens(commands_, metrics_);
  // Each failure, the cause its log line names and the kind it is counted as.
  struct Failure {
    ScriptedCommands::Answer answer;
    std::string cause;
    std::string kind;
  };
  const std::vector<Failure> failures = {
      {{redis::error::unavailable, {}},
       "redis unavailable: connection to 127.0.0.1:6379 refused",
       "link"},
      {{redis::error::not_replicated, {}}, "not acknowledged by enough replicas", "link"},
      {{{}, support::error_reply("WRONGTYPE Operation against a key holding the wrong kind")},
       "Redis answered \"WRONGTYPE Operation against a key holding the wrong kind\"",
       "error_reply"},
      {{{}, support::integer_reply(1)},
       "Redis answered integer where the token's record (a string or nil) was expected",
       "reply_shape"},
      {{{}, support::array_reply({"a", "b"})}, "Redis answered array of 2 elements", "reply_shape"},
      {{{}, redis::Reply{.type = redis::Reply::Type::status, .str = "OK"}},
       "Redis answered status",
       "reply_shape"},
  };
  const auto token = services::auth::generate_token();
  std::size_t asked = 0;
  std::map<std::string, std::uint64_t> counted;  // by kind
  for (const auto& [answer, cause, kind] : failures) {
    script(answer);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the log throttle's second
    support::LogCapture log;
    const auto decision = io_.run(tokens.authorize("ev", token, Access::scan));
    EXPECT_TRUE(decision.unavailable) << cause;
    EXPECT_FALSE(decision.allowed) << cause;
    EXPECT_EQ(commands_->count_named("HGET"), ++asked) << "a failure must not be cached";
    ++counted[kind];
    for (const auto& [k, n] : counted) EXPECT_EQ(redis_failures(*metrics_, "token", k), n) << cause;
    const auto lines = log.lines_with("answering token of event \"ev\" `unavailable`");
    ASSERT_EQ(lines.size(), 1u) << cause;
    EXPECT_NE(lines[0].find(cause), std::string::npos) << lines[0];
    // The token itself never reaches the log.
    EXPECT_EQ(lines[0].find(token), std::string::npos);
  }
  // Once Redis answers, the token is known again; the answer is cached for kCacheFor.
  v1::TokenRecord record;
  record.set_role(v1::desk);
  const auto json = services::wire::encode(record, services::wire::Encoding::json);
  script({{}, support::text_reply(json)});
  EXPECT_TRUE(io_.run(tokens.authorize("ev", token, Access::scan)).allowed);
  EXPECT_TRUE(io_.run(tokens.authorize("ev", token, Access::scan)).allowed);
  EXPECT_EQ(commands_->count_named("HGET"), asked + 1);
  // A missing token is not asked for at all; answers are not failures.
  EXPECT_EQ(io_.run(tokens.authorize("ev", "", Access::scan)).refusal, "missing");
  EXPECT_EQ(commands_->received().size(), asked + 1);
  EXPECT_EQ(redis_failures(*metrics_, "token"), failures.size());
}

}  // namespace
}  // namespace rollcall::tests::gateway
