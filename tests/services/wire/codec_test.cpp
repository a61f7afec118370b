#include "services/wire/codec.h"

#include <gtest/gtest.h>

#include "rollcall/v1/rollcall.pb.h"
#include "services/registry/utf8.h"

namespace rollcall::services::wire {
namespace {

TEST(Codec, JsonKeepsProtoFieldNamesAndVocabulary) {
  v1::ScanResult result;
  result.set_scan_id("s1");
  result.set_status(v1::already_inside);
  result.mutable_attendee()->set_name("王小明");
  const auto json = encode(result, Encoding::json);
  EXPECT_NE(json.find(R"("scan_id":"s1")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("status":"already_inside")"), std::string::npos) << json;
  EXPECT_NE(json.find("王小明"), std::string::npos) << json;

  v1::ScanResult back;
  std::string error;
  ASSERT_TRUE(decode(json, Encoding::json, &back, &error)) << error;
  EXPECT_EQ(back.attendee().name(), "王小明");
}

TEST(Codec, BinaryRoundTrips) {
  v1::ScanRequest request;
  request.set_badge_id("B-1");
  request.set_direction(v1::out);
  v1::ScanRequest back;
  std::string error;
  ASSERT_TRUE(decode(encode(request, Encoding::binary), Encoding::binary, &back, &error));
  EXPECT_EQ(back.direction(), v1::out);
}

TEST(Codec, RefusesWhatIsNotAMessage) {
  v1::ScanRequest request;
  std::string error;
  EXPECT_FALSE(decode("\xff\xff\xff", Encoding::binary, &request, &error));
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(decode("{not json", Encoding::json, &request, &error));
  EXPECT_FALSE(decode(R"({"scan_idd":"x"})", Encoding::json, &request, &error));
  EXPECT_FALSE(decode(R"({"direction":"sideways"})", Encoding::json, &request, &error));
  EXPECT_TRUE(decode(R"({"direction":"in","device_time":"2025-07-07T09:00:00Z"})", Encoding::json,
                     &request, &error))
      << error;
}

TEST(Codec, ReasonsQuoteAtMostABoundedValidPartOfTheInput) {
  // The JSON parser's own message names what it could not take: an unknown field, a bad value.
  for (const auto& frame : {R"({")" + std::string(50000, 'k') + R"(":"x"})",
                            R"({"direction":")" + std::string(50000, 'd') + R"("})",
                            R"({"zone":)" + std::string(50000, '7') + "}",
                            std::string(R"({"scan_id":"\udc80\ud800)") + std::string(50000, 'x')}) {
    v1::ScanRequest request;
    std::string error;
    ASSERT_FALSE(decode(frame, Encoding::json, &request, &error));
    EXPECT_LE(error.size(), 200u) << error.substr(0, 300);
    EXPECT_TRUE(registry::is_valid_utf8(error)) << error.substr(0, 300);
  }
}

}  // namespace
}  // namespace rollcall::services::wire
