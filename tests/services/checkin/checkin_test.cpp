#include <date/tz.h>
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include "services/checkin/scan_outcome.h"
#include "services/checkin/scan_timing.h"
#include "services/checkin/scan_validator.h"

namespace rollcall::services::checkin {
namespace {

using google::protobuf::util::TimeUtil;

v1::ScanRequest good_scan() {
  v1::ScanRequest request;
  request.set_scan_id("desk1-0001");
  request.set_badge_id("B-100");
  request.set_desk_id("desk1");
  request.set_zone("hall_a");
  request.set_direction(v1::in);
  return request;
}

TEST(ScanValidator, AcceptsAGoodScan) {
  EXPECT_FALSE(validate_scan(good_scan()));
}

TEST(ScanValidator, RefusesEachBadField) {
  auto check = [](auto mutate) {
    auto request = good_scan();
    mutate(request);
    return validate_scan(request).has_value();
  };
  EXPECT_TRUE(check([](auto& r) { r.clear_scan_id(); }));
  EXPECT_TRUE(check([](auto& r) { r.set_scan_id(std::string(129, 'a')); }));
  EXPECT_TRUE(check([](auto& r) { r.clear_badge_id(); }));
  EXPECT_TRUE(check([](auto& r) { r.set_badge_id("B 100"); }));
  EXPECT_TRUE(check([](auto& r) { r.set_badge_id("{other}:x"); }));
  EXPECT_TRUE(check([](auto& r) { r.clear_desk_id(); }));
  EXPECT_TRUE(check([](auto& r) { r.clear_zone(); }));
  EXPECT_TRUE(check([](auto& r) { r.set_direction(v1::direction_unspecified); }));
  EXPECT_TRUE(check([](auto& r) { r.set_direction(static_cast<v1::Direction>(7)); }));
  // A device time must be a time (years 1 to 9999, as JSON can say it); which one is another
  // matter (ScanTiming): the scan is genuine whatever the desk's clock says.
  EXPECT_TRUE(check([](auto& r) { r.mutable_device_time()->set_nanos(-1); }));
  EXPECT_TRUE(check([](auto& r) { r.mutable_device_time()->set_seconds(253402300800); }));
  EXPECT_TRUE(check([](auto& r) { r.mutable_device_time()->set_seconds(-62135596801); }));
  EXPECT_FALSE(check([](auto& r) { r.mutable_device_time()->set_seconds(-5); }));
  EXPECT_FALSE(check([](auto& r) { r.mutable_device_time()->set_seconds(-62135596800); }));
  EXPECT_FALSE(check([](auto& r) { r.mutable_device_time()->set_seconds(253402300799); }));
}

TEST(ScanFields, EachFieldHasALimitNamedInTheReason) {
  EXPECT_FALSE(check_scan_fields(good_scan()));
  const std::vector<std::pair<std::string, std::size_t>> limits = {
      {"scan_id", 128}, {"badge_id", 1024}, {"desk_id", 64}, {"zone", 64}};
  for (const auto& [name, limit] : limits) {
    auto request = good_scan();
    const auto* field = request.GetDescriptor()->FindFieldByName(name);
    request.GetReflection()->SetString(&request, field, std::string(limit, 'a'));
    EXPECT_FALSE(check_scan_fields(request)) << name;
    request.GetReflection()->SetString(&request, field, std::string(limit + 1, 'a'));
    const auto why = check_scan_fields(request);
    ASSERT_TRUE(why) << name;
    EXPECT_EQ(*why, name + " is " + std::to_string(limit + 1) + " bytes long; at most " +
                        std::to_string(limit) + " are allowed");
  }
}

TEST(ScanOutcome, AMalformedResultEchoesABoundedScanId) {
  EXPECT_EQ(malformed_result("desk1-0001", "why").scan_id(), "desk1-0001");
  const auto result = malformed_result(std::string(10240, 'x'), "why");
  EXPECT_LE(result.scan_id().size(), 131u);
  EXPECT_TRUE(result.scan_id().starts_with(std::string(120, 'x')));
  EXPECT_EQ(malformed_result("a\xff", "why").scan_id(), "a\xEF\xBF\xBD");
}

const date::time_zone* zurich() {
  return date::locate_zone("Europe/Zurich");
}

std::int64_t ms(const char* rfc3339) {
  google::protobuf::Timestamp at;
  EXPECT_TRUE(TimeUtil::FromString(rfc3339, &at));
  return TimeUtil::TimestampToMilliseconds(at);
}

TEST(ScanTiming, DaysAndMinutesAreInTheEventTimeZone) {
  auto request = good_scan();
  // 23:30 UTC on 7 July is 01:30 on 8 July in Geneva (CEST, UTC+2).
  const auto timing = scan_timing(request, ms("2025-07-07T23:30:00Z"), zurich());
  EXPECT_EQ(timing.day, "2025-07-08");
  EXPECT_EQ(timing.minute, "2025-07-08T01:30");
  EXPECT_FALSE(timing.late);
}

TEST(ScanTiming, OfflineReplaysCountForTheDayTheyWereMade) {
  auto request = good_scan();
  *request.mutable_device_time() = TimeUtil::MillisecondsToTimestamp(ms("2025-07-07T16:00:00Z"));
  const auto timing = scan_timing(request, ms("2025-07-08T07:00:00Z"), zurich());
  EXPECT_EQ(timing.day, "2025-07-07");
  EXPECT_TRUE(timing.late);
}

TEST(ScanTiming, ImplausibleDeviceClocksAreOverruled) {
  auto request = good_scan();
  const auto server = ms("2025-07-08T07:00:00Z");
  *request.mutable_device_time() = TimeUtil::MillisecondsToTimestamp(0);  // clock never set
  EXPECT_EQ(scan_timing(request, server, zurich()).effective_ms, server);
  *request.mutable_device_time() = TimeUtil::MillisecondsToTimestamp(server + 3'600'000);
  EXPECT_EQ(scan_timing(request, server, zurich()).effective_ms, server);
  *request.mutable_device_time() = TimeUtil::MillisecondsToTimestamp(server + 60'000);
  EXPECT_EQ(scan_timing(request, server, zurich()).effective_ms, server);  // skew, not future
}

TEST(ScanTiming, DeviceTimesOutsideTheEventDaysAreIgnoredAndFlagged) {
  v1::Event event;
  for (const char* day : {"2025-07-09", "2025-07-07", "2025-07-08"}) event.add_days(day);
  const auto days = event_time_window(event, zurich(), std::chrono::hours(24));
  const auto server = ms("2025-07-08T07:00:00Z");
  auto request = good_scan();
  // Each absurd clock: the scan counts at the server's time, on the server's day, flagged.
  for (const char* absurd : {"0001-01-01T00:00:00Z", "1900-01-01T00:00:00Z", "1969-12-31T23:59:59Z",
                             "1970-01-01T00:00:00Z", "2025-07-05T21:59:59Z", "2025-07-08T07:05:01Z",
                             "9999-12-31T23:59:59Z"}) {
    *request.mutable_device_time() = TimeUtil::MillisecondsToTimestamp(ms(absurd));
    const auto timing = scan_timing(request, server, zurich(), days);
    EXPECT_EQ(timing.effective_ms, server) << absurd;
    EXPECT_EQ(timing.day, "2025-07-08") << absurd;
    EXPECT_TRUE(timing.device_time_ignored) << absurd;
    EXPECT_FALSE(timing.device_ms) << absurd;
    EXPECT_FALSE(timing.late) << absurd;
  }
  // A replay from the day before the event (inside the margin) keeps its own day and time.
  *request.mutable_device_time() = TimeUtil::MillisecondsToTimestamp(ms("2025-07-06T09:00:00Z"));
  auto timing = scan_timing(request, server, zurich(), days);
  EXPECT_FALSE(timing.device_time_ignored);
  EXPECT_EQ(timing.device_ms, ms("2025-07-06T09:00:00Z"));
  EXPECT_EQ(timing.day, "2025-07-06");
  EXPECT_TRUE(timing.late);
  // Without a device time there is nothing to flag.
  request.clear_device_time();
  timing = scan_timing(request, server, zurich(), days);
  EXPECT_FALSE(timing.device_time_ignored);
  EXPECT_EQ(timing.effective_ms, server);
}

TEST(ScanOutcome, CommandCarriesEverythingTheFunctionNeeds) {
  auto request = good_scan();
  const ScanTiming timing{.effective_ms = 5, .day = "2025-07-07", .minute = "2025-07-07T09:00"};
  const auto command = scan_command("wsis20-2025", request, timing, 5, 500).args();
  ASSERT_EQ(command.size(), 17u);
  EXPECT_EQ(command[0], "FCALL");
  EXPECT_EQ(command[1], "rollcall_scan");
  EXPECT_EQ(command[3], "{wsis20-2025}");
  EXPECT_EQ(command[8], "in");
  EXPECT_EQ(command[9], "5");  // no device time: the server's
  EXPECT_EQ(command[11], "2025-07-07");
  EXPECT_EQ(command[14], "500");
  EXPECT_EQ(command[15], "0");
  EXPECT_EQ(command[16], "");  // the gateway decided, not the desk alone
}

TEST(ScanOutcome, CommandCarriesTheDesksOfflineVerdict) {
  auto request = good_scan();
  const ScanTiming timing{.effective_ms = 5, .day = "2025-07-07", .minute = "2025-07-07T09:00"};
  for (const auto& [verdict, word] :
       {std::pair{v1::offline_admitted, "admitted"}, std::pair{v1::offline_refused, "refused"},
        std::pair{v1::offline_verdict_none, ""}}) {
    request.set_offline_verdict(verdict);
    EXPECT_EQ(scan_command("ev", request, timing, 5, 500).args().at(16), word);
  }
}

TEST(ScanOutcome, OnlyABelievedDeviceTimeIsStored) {
  auto request = good_scan();
  *request.mutable_device_time() = TimeUtil::MillisecondsToTimestamp(ms("9999-12-31T23:59:59Z"));
  const auto server = ms("2025-07-08T07:00:00Z");
  auto command =
      scan_command("ev", request, scan_timing(request, server, zurich()), server, 500).args();
  EXPECT_EQ(command[9], std::to_string(server));  // not 9999: it would show as a last exit
  EXPECT_EQ(command[15], "1");
  *request.mutable_device_time() = TimeUtil::MillisecondsToTimestamp(server - 60'000);
  command = scan_command("ev", request, scan_timing(request, server, zurich()), server, 500).args();
  EXPECT_EQ(command[9], std::to_string(server - 60'000));
  EXPECT_EQ(command[15], "0");
}

TEST(ScanOutcome, AFlaggedResultAsksForTheClockToBeSet) {
  std::vector<std::string> reply = {"accepted",   "0",
                                    "B-100",      "hall_a",
                                    "2025-07-07", "1751871600000",
                                    "0",          "1751871600000",
                                    "CH",         "minister",
                                    "Ana",        "ITU",
                                    "3",          "tracked",
                                    "1"};
  auto result = scan_result_from_reply("s", reply, zurich());
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->device_time_ignored());
  EXPECT_NE(result->reason().find("clock"), std::string::npos) << result->reason();
  reply.back() = "0";
  result = scan_result_from_reply("s", reply, zurich());
  ASSERT_TRUE(result);
  EXPECT_FALSE(result->device_time_ignored());
  EXPECT_EQ(result->reason().find("clock"), std::string::npos) << result->reason();
}

TEST(ScanOutcome, ReplyBecomesAResultWithReasonAndAttendee) {
  const std::vector<std::string> reply = {"already_inside",
                                          "1",
                                          "B-100",
                                          "hall_a",
                                          "2025-07-07",
                                          "1751871600000",
                                          "0",
                                          "1751871600000",
                                          "CH",
                                          "minister",
                                          "نورة الشامسي",
                                          "ITU",
                                          "0"};
  auto result = scan_result_from_reply("desk1-0001", reply, zurich());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status(), v1::already_inside);
  EXPECT_TRUE(result->replay());
  EXPECT_EQ(result->attendee().name(), "نورة الشامسي");
  EXPECT_EQ(result->attendee().country(), "CH");
  // 07:00 UTC is 09:00 in Geneva.
  EXPECT_NE(result->reason().find("since 09:00"), std::string::npos) << result->reason();
  EXPECT_EQ(result->reason().rfind("Already recorded earlier", 0), 0u);
}

TEST(ScanOutcome, UnknownBadgeHasNoAttendeeAndForeignRepliesAreRefused) {
  const std::vector<std::string> unknown = {
      "unknown_badge", "0", "B-9", "", "2025-07-07", "1751871600000", "0", "", "", "", "", "", "4"};
  auto result = scan_result_from_reply("s", unknown, zurich());
  ASSERT_TRUE(result);
  EXPECT_FALSE(result->has_attendee());
  EXPECT_FALSE(result->reason().empty());
  EXPECT_FALSE(scan_result_from_reply("s", {"accepted"}, zurich()));
  auto bad_status = unknown;
  bad_status[0] = "teleported";
  EXPECT_FALSE(scan_result_from_reply("s", bad_status, zurich()));
}

TEST(ScanOutcome, TheReplySaysWhetherTheDeskIsTracked) {
  std::vector<std::string> reply = {
      "accepted", "0", "B-9", "hall", "2025-07-07", "1751871600000", "0", "", "", "", "", "", "4"};
  EXPECT_EQ(desk_tracking(reply), DeskTracking::tracked);  // a library from before the bound
  reply.push_back("tracked");
  EXPECT_EQ(desk_tracking(reply), DeskTracking::tracked);
  reply.back() = "full";
  EXPECT_EQ(desk_tracking(reply), DeskTracking::full);
  reply.back() = "forgotten";
  EXPECT_EQ(desk_tracking(reply), DeskTracking::forgotten);
  EXPECT_TRUE(scan_result_from_reply("s", reply, zurich()));
}

TEST(ScanOutcome, EveryStatusHasWords) {
  for (int status = v1::accepted; status <= v1::unavailable; ++status) {
    v1::ScanResult result;
    result.set_status(static_cast<v1::ScanStatus>(status));
    if (status == v1::malformed) result = malformed_result("s", "bad");
    if (status == v1::unavailable) result = unavailable_result("s");
    EXPECT_FALSE(describe(result, zurich()).empty()) << status;
  }
}

}  // namespace
}  // namespace rollcall::services::checkin
