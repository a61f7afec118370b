// gateway/token_watch.cpp: the connections let in by a token that is refused later (revoked,
// deleted, expired) are told, each once, after one read of the token from Redis (not from the
// directory's cache); the others are kept, gone ones forgotten, and a token Redis cannot be
// asked about stays watched.
#include <gtest/gtest.h>

#include <google/protobuf/util/time_util.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gateway/token_watch.h"
#include "redis/error.h"
#include "services/auth/token.h"
#include "services/store/keys.h"
#include "services/wire/codec.h"
#include "tests/gateway/unit_fixtures.h"
#include "tests/support/tokens.h"

namespace rollcall::tests::gateway {
namespace {

using google::protobuf::util::TimeUtil;
using rollcall::gateway::TokenDirectory;
using rollcall::gateway::TokenWatch;
using services::auth::Access;
using TokenWatchLive = LiveTest;
using TokenWatchScripted = ScriptedTest;

// Records what it is told.
struct Holder : TokenWatch::Holder {
  void on_token_refused(const TokenDirectory::Decision& decision) override {
    refusals.push_back(decision.refusal);
  }
  std::vector<std::string> refusals;
};

google::protobuf::Timestamp at(std::chrono::system_clock::time_point t) {
  return TimeUtil::MillisecondsToTimestamp(
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
}

TEST_F(TokenWatchLive, HoldersOfARefusedTokenAreToldOnceAndTheOthersKept) {
  auto tokens = std::make_shared<TokenDirectory>(redis_.connection());
  TokenWatch watch(tokens);
  const auto revoked = support::issue_token(redis_.server(), "ev", v1::display);
  const auto deleted = support::issue_token(redis_.server(), "ev", v1::platform);
  const auto kept = support::issue_token(redis_.server(), "ev", v1::display);
  v1::TokenRecord expiring;
  expiring.set_role(v1::display);
  const auto expiry = std::chrono::system_clock::now() + std::chrono::seconds(2);
  *expiring.mutable_expires_at() = at(expiry);
  const auto expires = support::issue_token(redis_.server(), "ev", expiring);

  std::vector<std::shared_ptr<Holder>> holders;
  const auto hold = [&](const std::string& token, Access access) {
    holders.push_back(std::make_shared<Holder>());
    watch.watch("ev", token, access, holders.back());
    return holders.back();
  };
  const auto display_1 = hold(revoked, Access::watch_totals);
  const auto display_2 = hold(revoked, Access::watch_totals);
  const auto beacon = hold(deleted, Access::report_presence);
  const auto other = hold(kept, Access::watch_totals);
  const auto later = hold(expires, Access::watch_totals);
  // Each was let in: the directory caches the tokens as good.
  for (const auto& token : {revoked, deleted, kept, expires}) {
    const auto access = token == deleted ? Access::report_presence : Access::watch_totals;
    ASSERT_TRUE(redis_.io().run(tokens->authorize("ev", token, access)).allowed);
  }
  EXPECT_EQ(redis_.io().run(watch.check()), 0u);
  EXPECT_EQ(watch.watched(), 5u);

  v1::TokenRecord record;
  record.set_role(v1::display);
  *record.mutable_revoked_at() = at(std::chrono::system_clock::now() - std::chrono::seconds(1));
  redis_.command({"HSET", services::store::tokens_key("ev"), services::auth::token_hash(revoked),
                  services::wire::encode(record, services::wire::Encoding::json)});
  redis_.command({"HDEL", services::store::tokens_key("ev"), services::auth::token_hash(deleted)});
  // At once, though the directory's cache still says the tokens are good.
  EXPECT_EQ(redis_.io().run(watch.check()), 3u);
  EXPECT_EQ(display_1->refusals, std::vector<std::string>{"revoked"});
  EXPECT_EQ(display_2->refusals, std::vector<std::string>{"revoked"});
  EXPECT_EQ(beacon->refusals, std::vector<std::string>{"unknown"});
  EXPECT_TRUE(other->refusals.empty());
  EXPECT_TRUE(later->refusals.empty());
  EXPECT_EQ(watch.watched(), 2u);
  // And once: the refused token is no longer watched.
  EXPECT_EQ(redis_.io().run(watch.check()), 0u);
  EXPECT_EQ(display_1->refusals.size(), 1u);

  // Tokens are checked to the second.
  std::this_thread::sleep_until(expiry + std::chrono::milliseconds(1100));
  EXPECT_EQ(redis_.io().run(watch.check()), 1u);
  EXPECT_EQ(later->refusals, std::vector<std::string>{"expired"});
  EXPECT_TRUE(other->refusals.empty());
  EXPECT_EQ(watch.watched(), 1u);
}

// A reconnect storm: holders come and go faster than the watch checks; the list keeps about as
// many entries as there are holders alive, not one per holder ever seen.
TEST_F(TokenWatchLive, HoldersGoneAreDroppedBeforeTheListGrows) {
  TokenWatch watch(std::make_shared<TokenDirectory>(redis_.connection()));
  std::vector<std::shared_ptr<Holder>> alive;
  for (int i = 0; i < 10000; ++i) {
    auto holder = std::make_shared<Holder>();
    watch.watch("ev", "storm-token", Access::watch_totals, holder);
    if (i % 100 == 0) alive.push_back(holder);  // the rest disconnect at once
  }
  EXPECT_EQ(watch.watched(), alive.size());
  EXPECT_LE(watch.entries(), 4 * alive.size());
}

TEST_F(TokenWatchLive, AHolderGoneIsForgottenAndItsTokenNoLongerRead) {
  auto tokens = std::make_shared<TokenDirectory>(redis_.connection());
  TokenWatch watch(tokens);
  const auto token = support::issue_token(redis_.server(), "ev", v1::display);
  auto holder = std::make_shared<Holder>();
  watch.watch("ev", token, Access::watch_totals, holder);
  EXPECT_EQ(watch.watched(), 1u);
  holder.reset();
  EXPECT_EQ(watch.watched(), 0u);
  redis_.command({"HDEL", services::store::tokens_key("ev"), services::auth::token_hash(token)});
  EXPECT_EQ(redis_.io().run(watch.check()), 0u);
  EXPECT_EQ(watch.watched(), 0u);
}

TEST_F(TokenWatchScripted, ATokenRedisCannotBeAskedAboutStaysWatched) {
  auto tokens = std::make_shared<TokenDirectory>(commands_, metrics_);
  TokenWatch watch(tokens);
  script({.ec = redis::error::unavailable});
  auto holder = std::make_shared<Holder>();
  watch.watch("ev", "some-token", Access::watch_totals, holder);
  EXPECT_EQ(io_.run(watch.check()), 0u);
  EXPECT_TRUE(holder->refusals.empty());
  EXPECT_EQ(watch.watched(), 1u);
  EXPECT_EQ(commands_->received().size(), 1u) << "the token was asked about";
  // Once Redis answers that there is no such token, the holder is told.
  script({.reply = redis::Reply{.type = redis::Reply::Type::nil}});
  EXPECT_EQ(io_.run(watch.check()), 1u);
  EXPECT_EQ(holder->refusals, std::vector<std::string>{"unknown"});
}

}  // namespace
}  // namespace rollcall::tests::gateway
