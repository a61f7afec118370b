// The store's builders and parsers against a real redis-server with the Functions library
// loaded: what a builder sends is what the Function or the key read takes, and the parser reads
// back what Redis really answers.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "redis/sync_session.h"
#include "services/store/event_log_reader.h"
#include "services/store/event_reads.h"
#include "services/store/function_library.h"
#include "services/store/keys.h"
#include "services/store/lease_call.h"
#include "services/store/registry_reader.h"
#include "services/store/scan_call.h"
#include "services/store/totals_call.h"
#include "tests/support/redis_server.h"

namespace rollcall::services::store {
namespace {

class ReadersRoundTrip : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    const auto url = redis::Url::parse(server_.url(), &error);
    ASSERT_TRUE(url) << error;
    session_ = std::make_unique<redis::SyncSession>(*url);
    session_->query({"FUNCTION", "LOAD", "REPLACE", std::string(function_library())});
    session_->query({"HSET", event_key("ev"), "days", "", "zones", ""});
    session_->query({"SADD", std::string(kEventsKey), "ev"});
  }

  void add_badge(const std::string& id, const std::string& category, bool listed = true) {
    session_->query({"HSET", badge_key("ev", id), "country", "CH", "category", category, "name",
                     "Name " + id, "organization", "Org", "revoked", "0", "person", id});
    if (listed) session_->query({"SADD", badges_key("ev"), id});
  }

  redis::Reply run(const std::vector<std::string>& args) { return session_->query(args); }

  tests::support::RedisServer server_;
  std::unique_ptr<redis::SyncSession> session_;
};

TEST_F(ReadersRoundTrip, ScansTotalsAndTheLogReadBackThroughTheStore) {
  constexpr int kBadges = 7;
  for (int i = 0; i < kBadges; ++i) add_badge("B" + std::to_string(i), "youth");
  redis::Reply reply;  // the last scan's: its fields are read in place
  const auto scan = [&](int i, bool entering) {
    const auto scan_id = "s" + std::to_string(i) + (entering ? "i" : "o");
    const auto badge_id = "B" + std::to_string(i % kBadges);
    reply = run(scan_call({.event_id = "ev",
                           .scan_id = scan_id,
                           .badge_id = badge_id,
                           .desk_id = "d1",
                           .zone = "hall",
                           .entering = entering,
                           .device_ms = 1000 + i,
                           .server_ms = 1000 + i,
                           .day = "2025-07-07",
                           .minute = "2025-07-07T09:00",
                           .max_desks = 10})
                    .args());
    return read_scan_reply(reply);
  };
  for (int i = 0; i < kBadges; ++i) {
    const auto fields = scan(i, true);
    ASSERT_TRUE(fields) << fields.error.cause;
    EXPECT_EQ((*fields)[kScanStatus], "accepted");
    EXPECT_EQ((*fields)[kScanBadgeId], "B" + std::to_string(i));
    EXPECT_EQ((*fields)[kScanCategory], "youth");
  }
  const auto again = scan(kBadges, true);  // B0 again, a new scan
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)[kScanStatus], "already_inside");

  const auto totals = read_totals_reply(run(totals_call("ev")));
  ASSERT_TRUE(totals) << totals.error.cause;
  EXPECT_GT(totals->seq, 0u);
  EXPECT_FALSE(totals->counters.empty());

  // The whole log, paged two at a time, is every entry XLEN counts, in order.
  const auto length = read_integer(run(log_length_read("ev")), "XLEN");
  ASSERT_TRUE(length);
  EXPECT_GE(*length, kBadges + 1);
  LogPager pager("ev", "+", 2);
  std::vector<StreamEntry> all;
  while (const auto args = pager.next()) {
    auto page = pager.take(run(*args));
    ASSERT_TRUE(page) << page.error.cause;
    for (auto& entry : *page) all.push_back(std::move(entry));
  }
  ASSERT_EQ(static_cast<long long>(all.size()), *length);
  for (std::size_t i = 1; i < all.size(); ++i) {
    EXPECT_LT(*stream_id_parts(all[i - 1].id), *stream_id_parts(all[i].id));
  }
  EXPECT_EQ(all.front().get("badge_id"), "B0");
  EXPECT_EQ(all.front().get("scan_id"), "s0i");
  // Backwards, the same entries newest first.
  ReverseLogPager back("ev", 3);
  std::vector<std::string> ids;
  while (const auto args = back.next()) {
    auto page = back.take(run(*args));
    ASSERT_TRUE(page) << page.error.cause;
    for (const auto& entry : *page) ids.push_back(entry.id);
  }
  ASSERT_EQ(ids.size(), all.size());
  EXPECT_EQ(ids.front(), all.back().id);

  // The day reset counts out everyone still inside, once.
  const auto moved = read_moved_count(run(reset_inside_call("ev", "2025-07-08")));
  ASSERT_TRUE(moved) << moved.error.cause;
  EXPECT_EQ(*moved, kBadges);
  EXPECT_EQ(*read_moved_count(run(reset_inside_call("ev", "2025-07-08"))), 0);
  // Leases: renewed, then expired with nothing to fold.
  EXPECT_EQ(*read_moved_count(run(renew_leases_call("ev", 5000, {"gw:a", "gw:b"}))), 2);
  EXPECT_EQ(*read_moved_count(run(expire_leases_call("ev", 9000, "2025-07-08"))), 0);
}

TEST_F(ReadersRoundTrip, TheRegistryReadsAlikeByFunctionAndByRecord) {
  for (const auto* id : {"C", "A", "B", "R-1"}) add_badge(id, "un");
  session_->query(
      {"HSET", badge_key("ev", "R-1"), "person", "A", "replaced_by", "", "registered_by", "desk"});
  session_->query({"HSET", badge_key("ev", "A"), "revoked", "1", "revoked_reason", "replaced",
                   "replaced_by", "R-1"});
  session_->query({"SADD", badges_key("ev"), "gone"});  // listed, deleted since
  const auto badges = read_registry(run(registry_read("ev")));
  ASSERT_TRUE(badges) << badges.error.cause;
  ASSERT_EQ(badges->size(), 4u);
  EXPECT_EQ((*badges)[0].badge_id(), "A");
  EXPECT_TRUE((*badges)[0].revoked());
  EXPECT_EQ((*badges)[0].replaced_by(), "R-1");
  EXPECT_EQ((*badges)[3].badge_id(), "R-1");
  EXPECT_EQ((*badges)[3].person_id(), "A");
  EXPECT_EQ((*badges)[3].registered_by(), "desk");
  for (const auto& badge : *badges) {
    const auto record =
        read_badge_record(badge.badge_id(), run(badge_record_read("ev", badge.badge_id())));
    ASSERT_TRUE(record) << record.error.cause;
    ASSERT_TRUE(*record);
    EXPECT_EQ((*record)->SerializeAsString(), badge.SerializeAsString());
  }
  const auto gone = read_badge_record("gone", run(badge_record_read("ev", "gone")));
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
  EXPECT_EQ(*read_registered_count(run(registered_count_read("ev"))), 3);
  // SCAN finds the same badge keys (events imported before the set).
  std::vector<std::string> found;
  std::string cursor = "0";
  do {
    auto page = read_badge_scan("ev", run(badge_scan_read("ev", cursor)));
    ASSERT_TRUE(page) << page.error.cause;
    cursor = page->cursor;
    for (const auto& id : page->badge_ids) found.push_back(id);
  } while (cursor != "0");
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found, (std::vector<std::string>{"A", "B", "C", "R-1"}));
}

TEST_F(ReadersRoundTrip, KeyReadsReadWhatWasWritten) {
  add_badge("B1", "un");
  EXPECT_EQ(*read_exists(run(badge_exists_read("ev", "B1"))), true);
  EXPECT_EQ(*read_exists(run(badge_exists_read("ev", "B2"))), false);
  EXPECT_FALSE(read_field(run(event_config_read("ev")))->has_value());
  session_->query({"HSET", event_key("ev"), "config", "{}"});
  EXPECT_EQ(*read_field(run(event_config_read("ev"))), std::optional<std::string>("{}"));
  run(secret_create("ev", kTicketKeyField, "k1"));
  run(secret_create("ev", kTicketKeyField, "k2"));  // the first one stays
  EXPECT_EQ(*read_field(run(secret_read("ev", kTicketKeyField))), std::optional<std::string>("k1"));
  EXPECT_EQ(*read_members(run(event_ids_read())), std::vector<std::string>{"ev"});
  const auto hash = read_hash(run(badge_hash_read("ev", "B1")));
  ASSERT_TRUE(hash);
  EXPECT_EQ(hash->size(), 6u);
  session_->query({"SADD", inside_key("ev"), "B1"});
  EXPECT_EQ(*read_inside(run(inside_read("ev", {"B2", "B1"})), 2),
            (std::vector<bool>{false, true}));
}

}  // namespace
}  // namespace rollcall::services::store
