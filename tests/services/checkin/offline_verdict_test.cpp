#include "services/checkin/offline_verdict.h"

#include <gtest/gtest.h>

namespace rollcall::services::checkin {
namespace {

std::optional<std::string_view> outcome(v1::OfflineVerdict shown, v1::ScanStatus status,
                                        bool replay = false) {
  v1::ScanRequest request;
  request.set_offline_verdict(shown);
  v1::ScanResult result;
  result.set_status(status);
  result.set_replay(replay);
  return offline_verdict_outcome(request, result);
}

// Every verdict against every status: the table a reviewer can read.
TEST(OfflineVerdict, EveryVerdictAgainstEveryStatus) {
  const auto through = {v1::accepted, v1::reentry, v1::already_inside, v1::exit, v1::not_inside};
  const auto refused = {v1::unknown_badge, v1::revoked, v1::invalid_signature, v1::wrong_day,
                        v1::not_allowed};
  for (const auto status : through) {
    EXPECT_EQ(outcome(v1::offline_admitted, status), "agreed") << status;
    EXPECT_EQ(outcome(v1::offline_refused, status), "refused_admitted") << status;
    EXPECT_EQ(outcome(v1::offline_verdict_none, status), std::nullopt) << status;
    EXPECT_EQ(outcome(v1::offline_admitted, status, true), std::nullopt) << "replay: counted once";
  }
  for (const auto status : refused) {
    EXPECT_EQ(outcome(v1::offline_admitted, status), "admitted_refused") << status;
    EXPECT_EQ(outcome(v1::offline_refused, status), "agreed") << status;
    EXPECT_EQ(outcome(v1::offline_verdict_none, status), std::nullopt) << status;
  }
  for (const auto status : {v1::malformed, v1::unavailable, v1::scan_status_unspecified}) {
    EXPECT_EQ(outcome(v1::offline_admitted, status), std::nullopt) << "no verdict to compare";
    EXPECT_EQ(outcome(v1::offline_refused, status), std::nullopt);
  }
  int covered = 0;
  for (int s = v1::ScanStatus_MIN; s <= v1::ScanStatus_MAX; ++s) ++covered;
  EXPECT_EQ(covered, 13) << "a new ScanStatus: add it to this table";
}

}  // namespace
}  // namespace rollcall::services::checkin
