#include "services/totals/totals_folder.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "services/totals/change_notice.h"
#include "services/totals/counter_names.h"

namespace rollcall::services::totals {
namespace {

TEST(CounterNames, MapsEveryFamilyOntoTotals) {
  v1::Totals totals;
  EXPECT_TRUE(apply_counter("onsite", 7, &totals).known);
  EXPECT_TRUE(apply_counter("inside", 3, &totals).known);
  EXPECT_TRUE(apply_counter("onsite:country:CH", 2, &totals).derived);
  EXPECT_TRUE(apply_counter("onsite:country:", 1, &totals).known);  // international orgs
  apply_counter("onsite:category:minister", 1, &totals);
  apply_counter("inside:zone:hall_a", 3, &totals);
  apply_counter("scans:already_inside", 4, &totals);
  apply_counter("arrivals:2025-07-07T09:05", 5, &totals);
  EXPECT_EQ(apply_counter("day:2025-07-07:country:CH", 2, &totals).day, "2025-07-07");
  apply_counter("day:2025-07-07:onsite", 6, &totals);
  apply_counter("day:2025-07-07:category:un", 1, &totals);
  EXPECT_EQ(apply_counter("desk:gate-1:scans", 9, &totals).desk, "gate-1");
  apply_counter("desk:gate-1:last_seen", 1751871600123, &totals);
  EXPECT_EQ(totals.desks().at("gate-1").scans(), 9);
  EXPECT_EQ(totals.desks().at("gate-1").last_seen().seconds(), 1751871600);
  EXPECT_EQ(apply_counter("desk:gate-1:overturned", 2, &totals).desk, "gate-1");
  EXPECT_EQ(totals.desks().at("gate-1").overturned(), 2);
  EXPECT_TRUE(apply_counter("offline:admitted_refused", 3, &totals).known);
  EXPECT_EQ(totals.offline_overturned().at("admitted_refused"), 3);
  EXPECT_FALSE(apply_counter("something:new", 1, &totals).known);
  EXPECT_FALSE(apply_counter("day:2025-07-07:weird", 1, &totals).known);

  EXPECT_EQ(totals.onsite(), 7);
  EXPECT_EQ(totals.inside_now(), 3);
  EXPECT_EQ(totals.onsite_by_country().at("CH"), 2);
  EXPECT_EQ(totals.onsite_by_category().at("minister"), 1);
  EXPECT_EQ(totals.inside_by_zone().at("hall_a"), 3);
  EXPECT_EQ(totals.scans_by_status().at("already_inside"), 4);
  EXPECT_EQ(totals.arrivals_by_minute().at("2025-07-07T09:05"), 5);
  const auto& day = totals.days().at("2025-07-07");
  EXPECT_EQ(day.onsite(), 6);
  EXPECT_EQ(day.onsite_by_country().at("CH"), 2);
  EXPECT_EQ(day.onsite_by_category().at("un"), 1);
  derive_figures(&totals);
  EXPECT_EQ(totals.countries_onsite(), 1);  // "" is not a country
}

TEST(CounterNames, OnlineFiguresAndDerivedOnes) {
  v1::Totals totals;
  apply_counter("onsite", 3, &totals);
  apply_counter("onsite:country:CH", 2, &totals);
  apply_counter("onsite:country:FR", 1, &totals);
  apply_counter("remote", 5, &totals);
  apply_counter("remote:country:CH", 1, &totals);
  apply_counter("remote:country:BR", 3, &totals);
  apply_counter("remote:country:", 1, &totals);
  apply_counter("hybrid", 1, &totals);
  apply_counter("online", 4, &totals);
  apply_counter("online:country:BR", 2, &totals);
  apply_counter("peak_online", 4, &totals);
  apply_counter("peak_online_at", 1751871600000, &totals);
  apply_counter("joins:2025-07-07T09:00", 6, &totals);
  apply_counter("day:2025-07-07:remote", 5, &totals);
  apply_counter("day:2025-07-07:remote_country:BR", 3, &totals);
  apply_counter("day:2025-07-07:remote_category:youth", 2, &totals);
  apply_counter("day:2025-07-07:peak_online", 4, &totals);
  derive_figures(&totals);
  EXPECT_EQ(totals.online_now(), 4);
  EXPECT_EQ(totals.peak_online_at().seconds(), 1751871600);
  EXPECT_EQ(totals.countries_onsite(), 2);
  EXPECT_EQ(totals.countries_remote(), 2);
  EXPECT_EQ(totals.countries_any(), 3);  // CH, FR, BR
  EXPECT_EQ(totals.participants(), 7);   // 3 + 5 - 1 hybrid
  const auto& day = totals.days().at("2025-07-07");
  EXPECT_EQ(day.remote(), 5);
  EXPECT_EQ(day.remote_by_country().at("BR"), 3);
  EXPECT_EQ(day.remote_by_category().at("youth"), 2);
  EXPECT_EQ(day.peak_online(), 4);
  EXPECT_EQ(totals.joins_by_minute().at("2025-07-07T09:00"), 6);
}

TEST(ChangeNotice, ParsesWhatTheFunctionsPublish) {
  auto notice = parse_change_notice(R"({"seq":12,"set":{"onsite":3,"inside:zone:a":-1}})");
  ASSERT_TRUE(notice);
  EXPECT_EQ(notice->seq, 12u);
  ASSERT_EQ(notice->set.size(), 2u);
  EXPECT_TRUE(parse_change_notice(R"({"seq":1,"set":{}})"));
  EXPECT_TRUE(parse_change_notice(R"({"seq":1,"set":[]})"));
  EXPECT_FALSE(parse_change_notice("not json"));
  EXPECT_FALSE(parse_change_notice(R"({"set":{}})"));
  EXPECT_FALSE(parse_change_notice(R"({"seq":-1,"set":{}})"));
  EXPECT_FALSE(parse_change_notice(R"({"seq":1,"set":{"onsite":"x"}})"));
}

TEST(ChangeNotice, ReadsTheCountersAForgottenDeskRemoved) {
  auto notice = parse_change_notice(
      R"({"seq":7,"set":{},"unset":["desk:gate-1:scans","desk:gate-1:last_seen"]})");
  ASSERT_TRUE(notice);
  EXPECT_EQ(notice->unset,
            (std::vector<std::string>{"desk:gate-1:scans", "desk:gate-1:last_seen"}));
  EXPECT_TRUE(parse_change_notice(R"({"seq":1,"set":{},"unset":{}})"));
  EXPECT_TRUE(parse_change_notice(R"({"seq":1,"set":{},"unset":[]})"));
  EXPECT_FALSE(parse_change_notice(R"({"seq":1,"set":{},"unset":[3]})"));
  EXPECT_FALSE(parse_change_notice(R"({"seq":1,"set":{},"unset":"desk:a:scans"})"));
}

// The hub reads every notice into one ChangeNotice: each read leaves only that notice's
// counters, names unescaped, whatever the one before held.
TEST(ChangeNotice, ReadsNoticeAfterNoticeIntoOne) {
  ChangeNotice notice;
  ASSERT_TRUE(parse_change_notice(
      R"({"seq":3,"set":{"desk:gate-1:scans":4,"onsite":9},"unset":["desk:x:late"]})", &notice));
  ASSERT_TRUE(parse_change_notice(R"({"seq":4,"set":{"inside:zone:hall":2}})", &notice));
  EXPECT_EQ(notice.seq, 4u);
  ASSERT_EQ(notice.set.size(), 1u);
  EXPECT_EQ(notice.name(notice.set[0]), "inside:zone:hall");
  EXPECT_EQ(notice.set[0].value, 2);
  EXPECT_TRUE(notice.unset.empty());
  EXPECT_FALSE(parse_change_notice(R"({"seq":5,"set":{"onsite":"x"}})", &notice));
  ASSERT_TRUE(parse_change_notice(R"({"seq":6})", &notice));
  EXPECT_TRUE(notice.set.empty());
}

// Keys a notice does not use are skipped whatever they hold; seq, set or unset given twice (under
// any spelling) is no notice: which one would count is anyone's guess.
TEST(ChangeNotice, SkipsOtherKeysAndRefusesItsOwnTwice) {
  const auto read = parse_change_notice(
      R"({"by":{"fn":["scan",{"x":null}],"n":1.5},"seq":2,"set":{"onsite":1},"at":"t"})");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->seq, 2u);
  EXPECT_EQ(read->set.size(), 1u);
  for (const auto* twice :
       {R"({"seq":1,"seq":2})", R"({"seq":1,"se\u0071":2})", R"({"seq":1,"set":{},"set":{}})",
        R"({"seq":1,"unset":[],"unset":[]})"}) {
    EXPECT_FALSE(parse_change_notice(twice)) << twice;
  }
  for (const auto* wrong :
       {R"([{"seq":1}])", R"({"seq":1,"set":{"a":{"b":1}}})", R"({"seq":1,"set":[1]})",
        R"({"seq":1,"unset":["a",["b"]]})", R"({"seq":1,"unset":{"a":"b"}})", R"({"seq":1.0})",
        R"({"seq":18446744073709551615})", R"({"seq":1,"set":{"a":1})", "", "1", R"({"seq":1} x)",
        R"({"seq":1}{"seq":2})", R"({"seq":1}])"}) {
    EXPECT_FALSE(parse_change_notice(wrong)) << wrong;
  }
}

// A notice as Redis publishes it, read by the hub's own parser; written out by hand so that a
// name given twice stays twice (the parser keeps both, in order).
ChangeNotice notice(std::uint64_t seq, const Counters& set) {
  std::string text = "{\"seq\":" + std::to_string(seq) + ",\"set\":{";
  for (std::size_t i = 0; i < set.size(); ++i) {
    text += (i ? "," : "") + boost::json::serialize(boost::json::value(set[i].first)) + ":" +
            std::to_string(set[i].second);
  }
  const auto parsed = parse_change_notice(text + "}}");
  EXPECT_TRUE(parsed) << text;
  return parsed.value_or(ChangeNotice{});
}

TEST(TotalsFolder, FoldsNoticesInOrderAndCoalescesOneUpdatePerTick) {
  TotalsFolder folder("ev");
  EXPECT_FALSE(folder.synced());
  EXPECT_EQ(folder.apply(notice(1, {})), TotalsFolder::Fold::gap);
  folder.reset(10, {{"onsite", 5}, {"onsite:country:CH", 5}, {"day:2025-07-07:onsite", 5}});
  EXPECT_TRUE(folder.synced());
  EXPECT_FALSE(folder.take_update(0));  // nothing since the reset

  EXPECT_EQ(folder.apply(notice(10, {{"onsite", 99}})), TotalsFolder::Fold::stale);
  EXPECT_EQ(folder.apply(notice(
                11, {{"onsite", 6}, {"onsite:country:FR", 1}, {"day:2025-07-07:country:FR", 1}})),
            TotalsFolder::Fold::applied);
  EXPECT_EQ(folder.apply(notice(12, {{"inside", 0}})), TotalsFolder::Fold::applied);
  EXPECT_EQ(folder.apply(notice(14, {{"inside", 1}})), TotalsFolder::Fold::gap);

  auto update = folder.take_update(1000);
  ASSERT_TRUE(update);
  EXPECT_EQ(update->prev_seq(), 10u);
  EXPECT_EQ(update->totals().seq(), 12u);
  EXPECT_EQ(update->totals().onsite(), 6);
  EXPECT_TRUE(update->totals().has_inside_now());  // zero is a value, not "unchanged"
  EXPECT_EQ(update->totals().inside_now(), 0);
  EXPECT_EQ(update->totals().countries_onsite(), 2);
  EXPECT_EQ(update->totals().onsite_by_country().size(), 1u);  // only what changed
  // A changed day travels whole, so a display can replace it.
  EXPECT_EQ(update->totals().days().at("2025-07-07").onsite(), 5);
  EXPECT_EQ(update->totals().days().at("2025-07-07").onsite_by_country().at("FR"), 1);
  EXPECT_FALSE(folder.take_update(2000));

  // Applying the update to the earlier snapshot gives the current snapshot.
  TotalsFolder reference("ev");
  reference.reset(10, {{"onsite", 5}, {"onsite:country:CH", 5}, {"day:2025-07-07:onsite", 5}});
  auto display = reference.snapshot(1000);
  display.MergeFrom(update->totals());
  auto now = folder.snapshot(1000);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(display, now))
      << display.DebugString() << "\n vs \n"
      << now.DebugString();
}

TEST(TotalsFolder, AForgottenDeskLeavesTheSnapshotAndDisplaysStartAfresh) {
  TotalsFolder folder("ev");
  folder.reset(3, {{"onsite", 2}, {"desk:gate-1:scans", 4}, {"desk:gate-2:scans", 1}});
  // A scan from gate-1 and then the forgetting of gate-1 in the same tick.
  EXPECT_EQ(folder.apply(notice(4, {{"desk:gate-1:scans", 5}, {"onsite", 3}})),
            TotalsFolder::Fold::applied);
  ChangeNotice forget{.seq = 5,
                      .unset = {"desk:gate-1:scans", "desk:gate-1:rejected", "desk:gate-1:late",
                                "desk:gate-1:last_seen"}};
  EXPECT_EQ(folder.apply(forget), TotalsFolder::Fold::reshaped);
  const auto snapshot = folder.snapshot(0);
  EXPECT_EQ(snapshot.seq(), 5u);
  EXPECT_FALSE(snapshot.desks().contains("gate-1"));
  EXPECT_EQ(snapshot.desks().at("gate-2").scans(), 1);
  EXPECT_EQ(snapshot.onsite(), 3);
  // Displays get the snapshot instead; the next update follows on from it.
  EXPECT_FALSE(folder.take_update(0));
  EXPECT_EQ(folder.apply(notice(6, {{"desk:gate-2:scans", 2}})), TotalsFolder::Fold::applied);
  const auto update = folder.take_update(0);
  ASSERT_TRUE(update);
  EXPECT_EQ(update->prev_seq(), 5u);
  EXPECT_FALSE(update->totals().desks().contains("gate-1"));
}

TEST(TotalsFolder, KeepsOnlyRecentArrivalMinutes) {
  TotalsFolder folder("ev");
  Counters counters;
  for (int minute = 0; minute < TotalsFolder::kArrivalMinutesKept + 20; ++minute) {
    char key[32];
    std::snprintf(key, sizeof key, "arrivals:2025-07-07T%02d:%02d", minute / 60, minute % 60);
    counters.emplace_back(key, 1);
  }
  folder.reset(1, counters);
  const auto snapshot = folder.snapshot(0);
  EXPECT_EQ(snapshot.arrivals_by_minute().size(), TotalsFolder::kArrivalMinutesKept);
  EXPECT_FALSE(snapshot.arrivals_by_minute().contains("2025-07-07T00:00"));
  EXPECT_TRUE(snapshot.arrivals_by_minute().contains("2025-07-07T03:19"));
}

// The figures derived over the countries are worked out once per update, not per notice: with
// random notices cut into random ticks, every snapshot still equals a fresh read of the same
// counters, and every update applied to the display's state still gives the snapshot.
TEST(TotalsFolder, DerivedFiguresAreRightAtEverySnapshotAndUpdate) {
  std::mt19937 random(20250707);
  const std::vector<std::string> families = {
      "onsite:country:", "remote:country:", "online:country:"};
  const std::vector<std::string> countries = {"CH", "FR", "KE", "BR", "JP", "IN", "EG", ""};
  std::map<std::string, std::int64_t> counters;
  TotalsFolder folder("ev");
  folder.reset(0, {});
  auto display = folder.snapshot(0);
  std::uint64_t seq = 0;
  for (int round = 0; round < 400; ++round) {
    Counters set;
    for (int n = std::uniform_int_distribution<int>(1, 4)(random); n > 0; --n) {
      const auto& family = families[random() % families.size()];
      const auto& country = countries[random() % countries.size()];
      // Counters rise and fall (leaves, erasure); zero says "no one from there" again.
      const auto value = std::uniform_int_distribution<std::int64_t>(0, 3)(random);
      set.emplace_back(family + country, value);
      counters[family + country] = value;
    }
    for (const std::string headline : {"onsite", "remote", "hybrid"}) {
      if (random() % 3 == 0) {
        const auto value = std::uniform_int_distribution<std::int64_t>(0, 50)(random);
        set.emplace_back(headline, value);
        counters[headline] = value;
      }
    }
    ASSERT_EQ(folder.apply(notice(++seq, set)), TotalsFolder::Fold::applied);

    TotalsFolder fresh("ev");
    fresh.reset(seq, Counters(counters.begin(), counters.end()));
    auto expected = fresh.snapshot(7);
    auto now = folder.snapshot(7);
    ASSERT_TRUE(google::protobuf::util::MessageDifferencer::Equals(expected, now))
        << "after notice " << seq << ":\n"
        << expected.DebugString() << "\n vs \n"
        << now.DebugString();
    if (random() % 5 == 0) {  // a tick
      const auto update = folder.take_update(7);
      ASSERT_TRUE(update);
      display.MergeFrom(update->totals());
      ASSERT_TRUE(google::protobuf::util::MessageDifferencer::Equals(display, now))
          << "update at " << seq << ":\n"
          << display.DebugString() << "\n vs \n"
          << now.DebugString();
    }
  }
}

}  // namespace
}  // namespace rollcall::services::totals
