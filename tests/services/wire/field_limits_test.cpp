#include "services/wire/field_limits.h"

#include <gtest/gtest.h>

#include "rollcall/v1/rollcall.pb.h"

namespace rollcall::services::wire {
namespace {

v1::ScanRequest request_with(const std::string& scan_id, const std::string& zone) {
  v1::ScanRequest request;
  request.set_scan_id(scan_id);
  request.set_zone(zone);
  return request;
}

TEST(FieldLimits, ListedLimitsApplyAndTheDefaultCoversTheRest) {
  const std::initializer_list<FieldLimit> limits = {{"zone", 64}};
  EXPECT_EQ(check_text_fields(request_with(std::string(128, 's'), std::string(64, 'z')), limits),
            std::nullopt);
  // One byte over, in each: the reason names the field and its limit, and quotes nothing of it.
  const auto long_zone = check_text_fields(request_with("s", std::string(65, 'z')), limits);
  ASSERT_TRUE(long_zone);
  EXPECT_EQ(*long_zone, "zone is 65 bytes long; at most 64 are allowed");
  const auto long_id = check_text_fields(request_with(std::string(10240, 's'), "z"), limits);
  ASSERT_TRUE(long_id);
  EXPECT_EQ(*long_id, "scan_id is 10240 bytes long; at most 128 are allowed");
}

TEST(FieldLimits, InvalidUtf8IsRefusedWithoutQuotingIt) {
  for (const std::string bad : {"\xff", "a\xc3", "\xed\xa0\x80" /* a surrogate */}) {
    const auto why = check_text_fields(request_with("s", bad), {});
    ASSERT_TRUE(why) << bad;
    EXPECT_EQ(*why, "zone is not valid UTF-8");
  }
  EXPECT_EQ(check_text_fields(request_with("s", "Salle 王 ✓"), {}), std::nullopt);
}

TEST(FieldLimits, RepeatedTextFieldsAreCheckedEachAndNestedMessagesAreLeftToTheirOwnCheck) {
  v1::Event event;
  event.add_zones("hall");
  event.add_zones(std::string(129, 'z'));
  EXPECT_EQ(check_text_fields(event, {}), "zones is 129 bytes long; at most 128 are allowed");
  event.mutable_zones()->RemoveLast();
  event.add_categories()->set_label(std::string(1000, 'c'));
  EXPECT_EQ(check_text_fields(event, {}), std::nullopt);
  EXPECT_TRUE(check_text_fields(event.categories(0), {}));
}

}  // namespace
}  // namespace rollcall::services::wire
