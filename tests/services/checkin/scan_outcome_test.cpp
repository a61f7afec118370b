// A replaced badge's scan: the desk is told in plain words, and why and by what.
#include "services/checkin/scan_outcome.h"

#include <date/tz.h>
#include <gtest/gtest.h>

namespace rollcall::services::checkin {
namespace {

std::vector<std::string> revoked_reply(std::string reason, std::string successor) {
  return {"revoked",
          "0",
          "B-100",
          "",
          "2025-07-07",
          "1751871600000",
          "0",
          "",
          "CH",
          "minister",
          "Ana",
          "ITU",
          "3",
          "tracked",
          "0",
          std::move(reason),
          std::move(successor),
          "B-100"};
}

TEST(ScanOutcomeReplaced, AReplacedBadgeSaysSoAndNamesItsSuccessor) {
  const auto reply = revoked_reply("replaced", "R-ABC");  // the fields view it
  const auto result = scan_result_from_reply("s", reply, date::locate_zone("UTC"));
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status(), v1::revoked);
  EXPECT_EQ(result->attendee().revoked_reason(), "replaced");
  EXPECT_EQ(result->attendee().replaced_by(), "R-ABC");
  EXPECT_EQ(result->attendee().person_id(), "B-100");
  EXPECT_EQ(result->reason(),
            "This badge was replaced (reported lost). Do not admit: ask for the new badge.");
}

TEST(ScanOutcomeReplaced, OtherRevocationsAndOlderRepliesKeepTheSupervisorWords) {
  auto older = revoked_reply("", "");
  older.resize(15);  // a library from before replacements
  for (const auto& reply : {revoked_reply("", ""), revoked_reply("withdrawn", ""), older}) {
    const auto result = scan_result_from_reply("s", reply, date::locate_zone("UTC"));
    ASSERT_TRUE(result) << reply.size();
    EXPECT_EQ(result->reason(), "This badge has been revoked. Do not admit; call a supervisor.");
    EXPECT_EQ(result->attendee().replaced_by(), "");
  }
}

}  // namespace
}  // namespace rollcall::services::checkin
