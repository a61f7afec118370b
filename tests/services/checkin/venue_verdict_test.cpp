#include "services/checkin/venue_verdict.h"

#include <gtest/gtest.h>

#include "services/checkin/offline_verdict.h"

namespace rollcall::services::checkin {
namespace {

TEST(EventsToCount, TheEventsThatKnowTheBadgeElseTheFirstOnly) {
  for (std::size_t n = 1; n <= 6; ++n) {
    for (unsigned mask = 0; mask < (1u << n); ++mask) {
      std::vector<bool> known(n);
      std::vector<std::size_t> expected;
      for (std::size_t i = 0; i < n; ++i) {
        known[i] = (mask >> i) & 1;
        if (known[i]) expected.push_back(i);
      }
      if (expected.empty()) expected = {0};
      EXPECT_EQ(events_to_count(known), expected) << "mask " << mask << " of " << n;
    }
  }
  EXPECT_TRUE(events_to_count({}).empty());
}

v1::EventScanResult verdict(std::string event, v1::ScanStatus status) {
  v1::EventScanResult e;
  e.set_event_id(event);
  e.set_event_name("Event " + event);
  e.mutable_result()->set_scan_id("s1");
  e.mutable_result()->set_status(status);
  e.mutable_result()->set_reason(v1::ScanStatus_Name(status) + " at " + event + ".");
  return e;
}

TEST(CombineVerdicts, EveryCombinationShowsTheFirstAdmissionElseTheFirstRefusal) {
  std::vector<v1::ScanStatus> statuses;
  for (int s = v1::ScanStatus_MIN; s <= v1::ScanStatus_MAX; ++s) {
    if (v1::ScanStatus_IsValid(s)) statuses.push_back(v1::ScanStatus(s));
  }
  const std::size_t k = statuses.size();
  for (std::size_t n = 1; n <= 3; ++n) {
    std::size_t combos = 1;
    for (std::size_t i = 0; i < n; ++i) combos *= k;
    for (std::size_t c = 0; c < combos; ++c) {
      std::vector<v1::EventScanResult> events;
      std::size_t rest = c;
      for (std::size_t i = 0; i < n; ++i, rest /= k) {
        events.push_back(verdict("e" + std::to_string(i), statuses[rest % k]));
      }
      const auto combined = combine_verdicts(events);
      ASSERT_EQ(combined.events_size(), static_cast<int>(n));
      std::size_t shown = 0, admitted = 0;
      bool found = false;
      for (std::size_t i = 0; i < n; ++i) {
        EXPECT_EQ(combined.events(i).event_id(), "e" + std::to_string(i));
        if (lets_through(events[i].result().status())) {
          ++admitted;
          if (!found) shown = i, found = true;
        }
      }
      EXPECT_EQ(combined.result().status(), events[shown].result().status());
      const auto& reason = combined.result().reason();
      EXPECT_TRUE(reason.starts_with(events[shown].result().reason())) << reason;
      EXPECT_EQ(reason.find("Valid for:") != std::string::npos, admitted > 1) << reason;
      if (admitted > 1) {
        for (std::size_t i = 0; i < n; ++i) {
          const bool named = reason.find("Event e" + std::to_string(i)) != std::string::npos;
          EXPECT_EQ(named, lets_through(events[i].result().status())) << reason;
        }
      }
    }
  }
}

}  // namespace
}  // namespace rollcall::services::checkin
