#include "services/venue/fold_items.h"

#include <gtest/gtest.h>

#include <random>

namespace rollcall::services::venue {
namespace {

LogRecord scan_entry(std::string id, std::string badge, std::string status,
                     std::string person = "") {
  LogRecord entry{.id = std::move(id),
                  .fields = {{"type", "scan"},
                             {"scan_id", "s"},
                             {"badge_id", badge},
                             {"direction", "in"},
                             {"status", status},
                             {"day", "2025-07-07"},
                             {"server_ms", "17"}}};
  if (!person.empty()) entry.fields.emplace_back("person", person);
  return entry;
}

LogRecord presence_entry(std::string id, std::string type, std::string participant,
                         std::string badge) {
  return {.id = std::move(id),
          .fields = {{"type", type},
                     {"presence_id", "x"},
                     {"participant_id", participant},
                     {"badge_id", badge},
                     {"country", "KE"},
                     {"category", "youth"},
                     {"status", type == "join" ? "joined" : "left"},
                     {"day", "2025-07-08"},
                     {"server_ms", "99"},
                     {"count", "2"}}};
}

TEST(FoldItems, ScansTakeTheEventPersonAndTheBadgesFacts) {
  const std::map<std::string, BadgeFacts> badges = {
      {"B1", {.country = "CH", .category = "minister", .person = "p-1"}},
      {"B2", {.country = "FR", .category = "youth"}}};
  // The badge's person field is not what the event keyed: only the entry's own person is.
  const auto plain = fold_item(scan_entry("1-0", "B1", "accepted"), badges);
  EXPECT_EQ(plain.type, "scan");
  EXPECT_EQ(plain.person, "B1");
  EXPECT_EQ(plain.country, "CH");
  EXPECT_EQ(plain.category, "minister");
  EXPECT_EQ(plain.day, "2025-07-07");
  EXPECT_EQ(plain.direction, "in");
  EXPECT_EQ(plain.status, "accepted");
  EXPECT_EQ(fold_item(scan_entry("1-1", "B1", "reentry", "p-1"), badges).person, "p-1");
  const auto unknown = fold_item(scan_entry("1-2", "B9", "exit"), badges);
  EXPECT_EQ(unknown.person, "B9");
  EXPECT_EQ(unknown.category, "");
}

TEST(FoldItems, RefusalsAndOtherEntriesOnlyMoveTheCursor) {
  for (const auto* status :
       {"unknown_badge", "revoked", "invalid_signature", "wrong_day", "not_allowed"}) {
    const auto item = fold_item(scan_entry("5-0", "B1", status), {});
    EXPECT_EQ(item.type, "other") << status;
    EXPECT_EQ(item.id, "5-0");
  }
  for (const auto* type : {"badge_registered", "badge_replaced", "desk_forgotten", "", "scan"}) {
    LogRecord entry{.id = "6-0", .fields = {{"type", type}}};
    EXPECT_EQ(fold_item(entry, {}).type, "other") << type;  // a scan without a badge too
  }
  LogRecord reset{.id = "7-0",
                  .fields = {{"type", "reset_inside"}, {"day", "2025-07-09"}, {"count", "3"}}};
  const auto item = fold_item(reset, {});
  EXPECT_EQ(item.type, "reset_inside");
  EXPECT_EQ(item.day, "2025-07-09");
}

TEST(FoldItems, PresenceTakesTheBadgesPersonElseTheParticipant) {
  const std::map<std::string, BadgeFacts> badges = {{"B1", {.person = "p-1"}}, {"B2", {}}};
  EXPECT_EQ(fold_item(presence_entry("1-0", "join", "z1", "B1"), badges).person, "p-1");
  EXPECT_EQ(fold_item(presence_entry("1-0", "join", "z1", "B2"), badges).person, "B2");
  const auto online_only = fold_item(presence_entry("1-0", "leave", "z9", ""), badges);
  EXPECT_EQ(online_only.person, "~z9");
  EXPECT_EQ(online_only.participant, "z9");
  EXPECT_EQ(online_only.type, "leave");
  EXPECT_EQ(online_only.count, "2");
  EXPECT_EQ(online_only.country, "KE");
  EXPECT_EQ(online_only.status, "left");
}

TEST(FoldItems, BadgesNeededAreDistinctAndOnlyThoseThatCount) {
  std::mt19937 random(3);
  for (int trial = 0; trial < 100; ++trial) {
    std::vector<LogRecord> entries;
    std::set<std::string> expected;
    for (int i = 0; i < 50; ++i) {
      const auto badge = "B" + std::to_string(random() % 20);
      const auto id = std::to_string(i) + "-0";
      switch (random() % 4) {
        case 0:
          entries.push_back(scan_entry(id, badge, "accepted"));
          expected.insert(badge);
          break;
        case 1:
          entries.push_back(scan_entry(id, badge, "unknown_badge"));
          break;
        case 2:
          entries.push_back(presence_entry(id, "join", "z", badge));
          expected.insert(badge);
          break;
        default:
          entries.push_back(presence_entry(id, "leave", "z", ""));
      }
    }
    const auto needed = badges_needed(entries);
    EXPECT_EQ(std::set<std::string>(needed.begin(), needed.end()), expected);
    EXPECT_EQ(needed.size(), expected.size());
  }
}

TEST(FoldItems, CommandCarriesElevenFieldsPerItemInOrder) {
  std::vector<FoldItem> items(3);
  for (std::size_t i = 0; i < items.size(); ++i) {
    items[i] = {.id = std::to_string(i) + "-1",
                .type = "scan",
                .person = "p",
                .participant = "",
                .country = "CH",
                .category = "c",
                .day = "d",
                .status = "accepted",
                .direction = "in",
                .count = "",
                .server_ms = "5"};
  }
  const auto command = store::venue_fold_call("geneva", "wsis20", "0-0", items);
  ASSERT_EQ(command.size(), 6 + 3 * kFoldItemFields);
  EXPECT_EQ(command[1], "rollcall_venue_fold");
  EXPECT_EQ(command[3], "{@geneva}");
  EXPECT_EQ(command[4], "wsis20");
  EXPECT_EQ(command[5], "0-0");
  EXPECT_EQ(command[6 + kFoldItemFields], "1-1");
  EXPECT_EQ(command[6 + 2 * kFoldItemFields - 1], "5");
  EXPECT_EQ(store::log_range_read("wsis20", "(12-3", "+", kFoldBatch),
            (std::vector<std::string>{"XRANGE", "{wsis20}:log", "(12-3", "+", "COUNT", "500"}));
}

// The fold's reply is read by the store: tests/services/store/reply_read_test.cpp.

TEST(FoldItems, StreamIdsCompareAsNumbers) {
  EXPECT_TRUE(stream_id_after("10-0", "9-5"));
  EXPECT_TRUE(stream_id_after("9-10", "9-9"));
  EXPECT_FALSE(stream_id_after("9-9", "9-9"));
  EXPECT_FALSE(stream_id_after("0-0", "1-0"));
  EXPECT_FALSE(stream_id_after("garbage", "0-0"));
  std::mt19937_64 random(1);
  for (int i = 0; i < 1000; ++i) {
    const auto a = random() % 1'000'000'000'000'0ULL, b = random() % 1'000'000'000'000'0ULL;
    const auto sa = random() % 5, sb = random() % 5;
    const auto left = std::to_string(a) + "-" + std::to_string(sa);
    const auto right = std::to_string(b) + "-" + std::to_string(sb);
    EXPECT_EQ(stream_id_after(left, right), std::make_pair(a, sa) > std::make_pair(b, sb));
  }
}

}  // namespace
}  // namespace rollcall::services::venue
