// The counters of check-ins by hand: manual:REASON and desk:ID:manual onto Totals.
#include "services/totals/counter_names.h"

#include <gtest/gtest.h>

#include "rollcall/v1/registration.pb.h"

namespace rollcall::services::totals {
namespace {

TEST(ManualCounterNames, EveryReasonLandsInManualCheckins) {
  v1::Totals totals;
  int value = 1;
  for (int reason = v1::ManualReason_MIN; reason <= v1::ManualReason_MAX; ++reason) {
    if (!v1::ManualReason_IsValid(reason) || reason == v1::manual_reason_unspecified) continue;
    const auto name = v1::ManualReason_Name(static_cast<v1::ManualReason>(reason));
    const auto placement = apply_counter("manual:" + name, value, &totals);
    EXPECT_TRUE(placement.known) << name;
    EXPECT_TRUE(placement.day.empty());
    EXPECT_TRUE(placement.desk.empty());
    EXPECT_FALSE(placement.derived);
    EXPECT_EQ(totals.manual_checkins().at(name), value) << name;
    ++value;
  }
  EXPECT_EQ(totals.manual_checkins().size(), 3u);
  // A later value replaces the earlier one (counters are absolute, not increments).
  apply_counter("manual:badge_forgotten", 40, &totals);
  EXPECT_EQ(totals.manual_checkins().at("badge_forgotten"), 40);
  // Nothing else moved.
  EXPECT_EQ(totals.onsite(), 0);
  EXPECT_TRUE(totals.scans_by_status().empty());
  EXPECT_TRUE(totals.desks().empty());
}

TEST(ManualCounterNames, DesksCountTheirCheckInsByHand) {
  v1::Totals totals;
  for (const std::string desk : {"reg-1", "hall:a:reg", "r.2-x_y"}) {
    const std::string name = "desk:" + desk + ":manual";  // placement.desk views into it
    const auto placement = apply_counter(name, 5, &totals);
    EXPECT_TRUE(placement.known) << desk;
    EXPECT_EQ(placement.desk, desk);
    apply_counter("desk:" + desk + ":scans", 12, &totals);
    EXPECT_EQ(totals.desks().at(desk).manual(), 5) << desk;
    EXPECT_EQ(totals.desks().at(desk).scans(), 12) << desk;
  }
  // A desk forgotten goes with all its counters, manual included.
  EXPECT_TRUE(forget_counter("desk:reg-1:manual", &totals));
  EXPECT_FALSE(totals.desks().contains("reg-1"));
  EXPECT_TRUE(totals.desks().contains("hall:a:reg"));
  EXPECT_FALSE(forget_counter("manual:badge_forgotten", &totals));
}

}  // namespace
}  // namespace rollcall::services::totals
