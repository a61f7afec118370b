#include "services/checkin/desk_sync.h"

#include <map>
#include <set>

#include <gtest/gtest.h>

namespace rollcall::services::checkin {
namespace {

v1::Badge badge(std::string id, std::string name, bool revoked = false) {
  v1::Badge b;
  b.set_badge_id(std::move(id));
  b.set_country("CH");
  b.set_category("minister");
  b.set_name(std::move(name));
  b.set_organization("Federal Office");
  b.set_revoked(revoked);
  return b;
}

v1::Event event() {
  v1::Event e;
  e.set_event_id("wsis-2025");
  e.set_name("WSIS+20");
  e.set_time_zone("Europe/Zurich");
  e.add_days("2025-07-07");
  e.add_zones("hall_a");
  (*e.mutable_zone_labels())["hall_a"] = "Assembly Hall";
  auto* c = e.add_categories();
  c->set_id("minister");
  c->set_label("Ministers");
  c->set_headline(true);
  return e;
}

const std::string kSalt(kDeskSyncSaltBytes, 'S');

v1::DeskSync build(const std::vector<v1::Badge>& badges, std::int64_t now_ms = 0) {
  auto sync = build_desk_sync(event(), badges, kSalt, now_ms);
  EXPECT_TRUE(sync.has_value());
  return sync ? std::move(*sync) : v1::DeskSync{};
}

TEST(DeskSync, FoldsOnlyAsciiLetters) {
  EXPECT_EQ(fold_badge_id("b-ch-1_x.y:z"), "B-CH-1_X.Y:Z");
  EXPECT_EQ(fold_badge_id("B-CH-1"), "B-CH-1");
}

TEST(DeskSync, CarriesTheEventsRulesAndLabels) {
  const auto sync = build({badge("B-1", "Anna")}, 1751870000000);
  EXPECT_EQ(sync.event_id(), "wsis-2025");
  EXPECT_EQ(sync.time_zone(), "Europe/Zurich");
  ASSERT_EQ(sync.days_size(), 1);
  EXPECT_EQ(sync.days(0), "2025-07-07");
  ASSERT_EQ(sync.zones_size(), 1);
  ASSERT_EQ(sync.categories_size(), 1);
  EXPECT_TRUE(sync.categories(0).headline());
  EXPECT_EQ(sync.salt(), kSalt);
  EXPECT_EQ(sync.generated_at().seconds(), 1751870000);
  EXPECT_EQ(sync.zone_labels().at("hall_a"), "Assembly Hall");
}

TEST(DeskSync, ARecordOpensWithItsIdInAnyCaseAndHoldsNoOrganization) {
  const auto sync = build({badge("B-CH-1", "Anna Keller")});
  ASSERT_EQ(sync.badges_size(), 1);
  const auto& record = sync.badges(0);
  EXPECT_EQ(record.tag().size(), kDeskSyncTagBytes);
  for (const char* typed : {"B-CH-1", "b-ch-1", "B-ch-1"}) {
    v1::Badge opened;
    ASSERT_TRUE(open_desk_sync_record(record, kSalt, typed, &opened)) << typed;
    EXPECT_EQ(opened.badge_id(), "B-CH-1");
    EXPECT_EQ(opened.name(), "Anna Keller");
    EXPECT_EQ(opened.category(), "minister");
    EXPECT_EQ(opened.country(), "CH");
    EXPECT_EQ(opened.organization(), "");
  }
  v1::Badge opened;
  EXPECT_FALSE(open_desk_sync_record(record, kSalt, "B-CH-2", &opened));
  EXPECT_FALSE(
      open_desk_sync_record(record, std::string(kDeskSyncSaltBytes, 'T'), "B-CH-1", &opened));
}

TEST(DeskSync, NoIdOrNameInTheClearAndRevokedBadgesAreListed) {
  const auto sync =
      build({badge("B-CH-1", "Anna Keller"), badge("B-REV-1", "Revoked Person", true)});
  std::string wire;
  ASSERT_TRUE(sync.SerializeToString(&wire));
  EXPECT_EQ(wire.find("Anna"), std::string::npos);
  EXPECT_EQ(wire.find("B-CH-1"), std::string::npos);
  EXPECT_EQ(wire.find("Federal"), std::string::npos);
  ASSERT_EQ(sync.badges_size(), 2);
  bool found_revoked = false;
  for (const auto& record : sync.badges()) {
    v1::Badge opened;
    if (open_desk_sync_record(record, kSalt, "B-REV-1", &opened)) {
      found_revoked = true;
      EXPECT_TRUE(opened.revoked());
    }
  }
  EXPECT_TRUE(found_revoked);
  EXPECT_LE(sync.badges(0).tag(), sync.badges(1).tag()) << "sorted by tag, not by registry order";
}

TEST(DeskSync, IdsDifferingOnlyByCaseShareATagAndEachOpensToItself) {
  const auto sync = build({badge("ab-1", "Lower"), badge("AB-1", "Upper")});
  ASSERT_EQ(sync.badges_size(), 2);
  EXPECT_EQ(sync.badges(0).tag(), sync.badges(1).tag());
  std::set<std::string> ids;
  for (const auto& record : sync.badges()) {
    v1::Badge opened;
    ASSERT_TRUE(open_desk_sync_record(record, kSalt, "Ab-1", &opened));
    ids.insert(opened.badge_id());
  }
  EXPECT_EQ(ids, (std::set<std::string>{"ab-1", "AB-1"}));
}

// Generated registries: every id opens its own record, typed in any letter case, and no other.
TEST(DeskSync, GeneratedIdsEachOpenTheirOwnRecordOnly) {
  std::vector<v1::Badge> badges;
  for (int i = 0; i < 400; ++i) {
    badges.push_back(badge("B-" + std::string(1, static_cast<char>('A' + i % 26)) + "x." +
                               std::to_string(i * 7919 % 100003),
                           "Person " + std::to_string(i), i % 9 == 0));
  }
  const auto sync = build(badges);
  ASSERT_EQ(sync.badges_size(), 400);
  std::map<std::string, const v1::DeskSyncBadge*> by_tag;
  for (const auto& record : sync.badges()) by_tag[record.tag()] = &record;
  ASSERT_EQ(by_tag.size(), 400u) << "no two ids share a tag";
  for (std::size_t i = 0; i < badges.size(); ++i) {
    std::string typed = badges[i].badge_id();
    for (std::size_t k = 0; k < typed.size(); k += 2) {
      if (typed[k] >= 'A' && typed[k] <= 'Z') typed[k] = static_cast<char>(typed[k] - 'A' + 'a');
    }
    const auto digest = desk_sync_digest(kSalt, typed);
    const std::string tag(reinterpret_cast<const char*>(digest.data()), kDeskSyncTagBytes);
    ASSERT_TRUE(by_tag.contains(tag)) << typed;
    v1::Badge opened;
    ASSERT_TRUE(open_desk_sync_record(*by_tag[tag], kSalt, typed, &opened)) << typed;
    EXPECT_EQ(opened.badge_id(), badges[i].badge_id());
    EXPECT_EQ(opened.name(), badges[i].name());
    EXPECT_EQ(opened.revoked(), i % 9 == 0);
    const auto& other = badges[(i + 1) % badges.size()].badge_id();
    EXPECT_FALSE(open_desk_sync_record(*by_tag[tag], kSalt, other, &opened)) << other;
  }
}

// A record altered in transit does not open (secretbox's MAC), whatever byte is changed.
TEST(DeskSync, AnAlteredRecordDoesNotOpen) {
  const auto sync = build({badge("B-CH-1", "Anna Keller")});
  const auto& record = sync.badges(0);
  for (std::size_t at = 0; at < record.sealed().size(); ++at) {
    auto altered = record;
    (*altered.mutable_sealed())[at] = static_cast<char>(altered.sealed()[at] ^ 0x20);
    v1::Badge opened;
    EXPECT_FALSE(open_desk_sync_record(altered, kSalt, "B-CH-1", &opened)) << at;
  }
  auto cut = record;
  cut.mutable_sealed()->resize(10);
  v1::Badge opened;
  EXPECT_FALSE(open_desk_sync_record(cut, kSalt, "B-CH-1", &opened));
}

// Bounded: up to kMaxDeskSyncBadges badges get a sync, one more gets none.
TEST(DeskSync, IsBoundedInBadges) {
  std::vector<v1::Badge> badges(kMaxDeskSyncBadges, badge("B-1", "A"));
  EXPECT_TRUE(build_desk_sync(event(), badges, kSalt, 0).has_value());
  badges.push_back(badge("B-2", "B"));
  EXPECT_FALSE(build_desk_sync(event(), badges, kSalt, 0).has_value());
}

TEST(DeskSync, FreshSaltsDiffer) {
  const auto a = new_desk_sync_salt();
  EXPECT_EQ(a.size(), kDeskSyncSaltBytes);
  EXPECT_NE(a, new_desk_sync_salt());
}

}  // namespace
}  // namespace rollcall::services::checkin
