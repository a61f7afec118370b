// The tools' builders and parsers against a real redis-server: what a builder sends is what
// Redis takes, and the parser reads back what Redis really answers.
#include <gtest/gtest.h>

#include <memory>
#include <set>

#include "redis/sync_session.h"
#include "services/store/access_call.h"
#include "services/store/archive_call.h"
#include "services/store/event_log_reader.h"
#include "services/store/event_reads.h"
#include "services/store/function_library.h"
#include "services/store/import_call.h"
#include "services/store/key_commands.h"
#include "services/store/key_scan.h"
#include "services/store/keys.h"
#include "services/store/privacy_call.h"
#include "services/store/transaction.h"
#include "services/store/venue_call.h"
#include "tests/support/redis_server.h"

namespace rollcall::services::store {
namespace {

class ToolCallsRoundTrip : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    const auto url = redis::Url::parse(server_.url(), &error);
    ASSERT_TRUE(url) << error;
    redis_ = std::make_unique<redis::SyncSession>(*url);
    redis_->query(function_load());
  }
  redis::Reply run(const std::vector<std::string>& args) { return redis_->query(args); }

  tests::support::RedisServer server_;
  std::unique_ptr<redis::SyncSession> redis_;
};

TEST_F(ToolCallsRoundTrip, ScanPagersSeeEveryKeyAndField) {
  constexpr int kKeys = 2600;  // several SCAN pages
  for (int i = 0; i < kKeys; ++i)
    redis_->append(string_write(state_key("ev", std::to_string(i)), "x"));
  redis_->append(string_write(state_key("other", "1"), "x"));
  FieldPairs fields;
  for (int i = 0; i < kKeys; ++i) fields.emplace_back("f" + std::to_string(i), std::to_string(i));
  redis_->append(hash_write("{ev}:held:gw", fields));
  redis_->flush();
  KeyScanPager keys(state_key("ev", "*"));
  while (const auto command = keys.next()) ASSERT_TRUE(keys.take(run(*command)));
  EXPECT_EQ(keys.keys().size(), static_cast<std::size_t>(kKeys));
  HashScanPager hash("{ev}:held:gw");
  while (const auto command = hash.next()) ASSERT_TRUE(hash.take(run(*command)));
  std::set<std::pair<std::string, std::string>> seen(hash.fields().begin(), hash.fields().end());
  const std::set<std::pair<std::string, std::string>> written(fields.begin(), fields.end());
  EXPECT_EQ(seen, written);
}

TEST_F(ToolCallsRoundTrip, TransactionsApplyOrAreRefusedWhenWatched) {
  std::vector<std::vector<std::string>> writes = {string_write("{ev}:seq", "4"),
                                                  counter_raise("{ev}:seq")};
  const auto done = read_transaction(redis_->pipeline(transaction(writes)), 2);
  ASSERT_TRUE(done);
  ASSERT_TRUE(*done);
  EXPECT_EQ((**done)[1].integer, 5);
  run(watch({seq_key("ev")}));
  run(counter_raise(seq_key("ev")));  // a change after WATCH: EXEC is refused
  const auto refused = read_transaction(redis_->pipeline(transaction(writes)), 2);
  ASSERT_TRUE(refused);
  EXPECT_FALSE(*refused);
  EXPECT_EQ(*read_text(run(seq_read("ev"))), "6");
}

TEST_F(ToolCallsRoundTrip, EveryTypeReadsWholeAndBack) {
  run(string_write("{ev}:s", "v"));
  run(hash_write("{ev}:h", {{"a", "1"}, {"b", ""}}));
  run(set_add("{ev}:set", {"x", "y"}));
  run(sorted_set_add("{ev}:z", {{"m", 1.25}, {"n", 1e18 + 1}}));
  run(stream_add("{ev}:log", "5-1", {{"type", "scan"}}));
  run(stream_last_id_write("{ev}:log", "9-0"));
  for (const auto& [key, type] :
       std::vector<std::pair<std::string, std::string>>{{"{ev}:s", "string"},
                                                        {"{ev}:h", "hash"},
                                                        {"{ev}:set", "set"},
                                                        {"{ev}:z", "zset"},
                                                        {"{ev}:log", "stream"},
                                                        {"{ev}:none", "none"}}) {
    EXPECT_EQ(*read_type(run(key_type_read(key))), type);
  }
  EXPECT_EQ(**read_field(run(*whole_key_read("{ev}:s", "string"))), "v");
  EXPECT_EQ(read_hash(run(*whole_key_read("{ev}:h", "hash")))->size(), 2u);
  EXPECT_EQ(read_members(run(*whole_key_read("{ev}:set", "set")))->size(), 2u);
  const auto scored = read_scored(run(*whole_key_read("{ev}:z", "zset")));
  ASSERT_TRUE(scored);
  EXPECT_EQ((*scored)[0], (std::pair<std::string, double>{"m", 1.25}));
  EXPECT_EQ((*scored)[1].second, 1e18 + 1);
  EXPECT_EQ(**read_stream_last_id(run(stream_info_read("{ev}:log"))), "9-0");
  EXPECT_EQ(*read_count(run(stream_length_read("{ev}:log"))), 1);
  const auto replies = redis_->pipeline(position_reads("ev"));
  const auto at = read_position(replies[0], replies[1], replies[2]);
  ASSERT_TRUE(at) << at.error.cause;
  EXPECT_EQ(*at, (EventPosition{.seq = "", .last_id = "5-1", .log_length = 1}));
  run(key_rename("{ev}:s", "{ev}:s2"));
  EXPECT_FALSE(*read_exists(run(key_exists_read("{ev}:s"))));
  run(keys_unlink({"{ev}:s2", "{ev}:h"}));
  EXPECT_FALSE(*read_exists(run(key_exists_read("{ev}:h"))));
}

TEST_F(ToolCallsRoundTrip, ImportScriptAnswersEachOutcome) {
  const auto sha = read_script_sha(run(badge_import_script_load()));
  ASSERT_TRUE(sha) << sha.error.cause;
  BadgeImport badge{.event_id = "ev", .badge_id = "B1", .country = "CH", .category = "youth"};
  EXPECT_EQ(*read_badge_import(run(badge_import_call(*sha, badge))), BadgeImportOutcome::written);
  run(set_add(onsite_key("ev"), {"B1"}));  // seen on site as B1: its person cannot change
  badge.person_id = "p1";
  EXPECT_EQ(*read_badge_import(run(badge_import_call(*sha, badge))),
            BadgeImportOutcome::person_kept);
  run(hash_field_write(badge_key("ev", "B1"), "registered_by", "desk"));  // a walk-in
  EXPECT_EQ(*read_badge_import(run(badge_import_call(*sha, badge))), BadgeImportOutcome::kept);
  run(registry_version_bump("ev"));
  EXPECT_EQ(**read_field(run(registry_version_read("ev"))), "1");
}

TEST_F(ToolCallsRoundTrip, AccessVenueAndPrivacyCallsReadBack) {
  EXPECT_TRUE(*read_created(run(token_create("ev", "h", "{}"))));
  EXPECT_FALSE(*read_created(run(token_create("ev", "h", "{}"))));
  EXPECT_TRUE(*read_exists(run(token_exists_read("ev", "h"))));
  EXPECT_EQ(read_hash(run(tokens_read("ev")))->size(), 1u);
  EXPECT_FALSE(*read_created(run(desk_unforget("ev", "d1"))));
  EXPECT_EQ(*read_forget_desk(run(forget_desk_call("ev", "d1", 1))), 0);
  run(venue_person_write("g", "p1", "CH"));
  const auto lookup = read_venue_persons_lookup(run(venue_persons_lookup("g", {"p0", "p1"})), 2);
  ASSERT_TRUE(lookup);
  EXPECT_FALSE((*lookup)[0]);
  EXPECT_EQ(*(*lookup)[1], "CH");
  EXPECT_EQ(*read_count(run(venue_persons_count_read("g"))), 1);
  // The swap: a rewritten log swapped in with a last-step write, then a retry when an entry
  // after the cursor names someone being rewritten.
  run(stream_add(log_key("ev"), "5000000000000-0", {{"badge_id", "B1"}}));
  run(log_rewrite_add("ev", "5000000000000-0", {{"badge_id", "zz"}}));
  const auto swapped =
      read_privacy_swap(run(privacy_swap_call({.event_id = "ev",
                                               .after_id = "5000000000000-0",
                                               .ids = {"B1"},
                                               .commands = {shredded_write("ev", 7)}})));
  ASSERT_TRUE(swapped) << swapped.error.cause;
  EXPECT_TRUE(swapped->swapped);
  EXPECT_EQ(**read_field(run(shredded_read("ev"))), "7");
  run(stream_add(log_key("ev"), "5000000000001-0", {{"badge_id", "B2"}}));
  const auto retry = read_privacy_swap(
      run(privacy_swap_call({.event_id = "ev", .after_id = "5000000000000-0", .ids = {"B2"}})));
  ASSERT_TRUE(retry) << retry.error.cause;
  EXPECT_FALSE(retry->swapped);
  EXPECT_EQ(retry->retry_from, "5000000000001-0");
}

}  // namespace
}  // namespace rollcall::services::store
