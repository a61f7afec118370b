#include "services/wire/codec.h"

#include <regex>

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

// Another spelling of `key`: its JSON name (lowerCamelCase), or its first letter escaped.
std::vector<std::string> spellings(const std::string& key) {
  std::vector<std::string> out = {key};
  std::string camel;
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (key[i] == '_' && i + 1 < key.size()) {
      camel += char(std::toupper(static_cast<unsigned char>(key[++i])));
    } else {
      camel += key[i];
    }
  }
  if (camel != key) out.push_back(camel);
  char escaped[8];
  std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned char>(key[0]));
  out.push_back(escaped + key.substr(1));
  return out;
}

// Protobuf's JSON parser keeps the last of two values of one field: what a proxy or a log read
// first would not be what is counted. Every field of every object of the frames below, set a
// second time under any of its spellings with another value, is refused, naming the field; the
// same field in two objects (two presence items) is not a duplicate.
TEST(Codec, AFieldSetTwiceInOneObjectIsRefusedUnderAnySpelling) {
  struct Frame {
    const google::protobuf::Descriptor* type;
    std::string json;
  };
  const std::vector<Frame> frames = {
      {v1::ScanRequest::descriptor(),
       R"({"scan_id":"s1","badge_id":"B1","desk_id":"d1","zone":"hall_a","direction":"in",)"
       R"("device_time":"2025-07-07T09:00:00Z"})"},
      {v1::OnlineRequest::descriptor(),
       R"({"batch":{"bridge_id":"z1","resync":false,"events":[)"
       R"({"kind":"join","presence_id":"p1","participant_id":"a","country":"CH"},)"
       R"({"kind":"leave","presence_id":"p2","participant_id":"b","country":"FR"}]}})"},
      {v1::DisplayRequest::descriptor(), R"({"snapshot":true})"},
  };
  const std::regex pair(R"re("(\w+)":("[^"]*"|true|false|-?\d+))re");
  int refused = 0;
  for (const auto& frame : frames) {
    auto message = std::unique_ptr<google::protobuf::Message>(
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(frame.type)->New());
    std::string error;
    ASSERT_TRUE(decode(frame.json, Encoding::json, message.get(), &error))
        << frame.json << ": " << error;
    for (auto it = std::sregex_iterator(frame.json.begin(), frame.json.end(), pair);
         it != std::sregex_iterator(); ++it) {
      const auto key = (*it)[1].str();
      const auto value = (*it)[2].str();
      const auto other = value.starts_with('"') ? std::string(R"("other")")
                         : value == "true"      ? std::string("false")
                         : value == "false"     ? std::string("true")
                                                : value + "1";
      for (const auto& spelling : spellings(key)) {
        for (const bool before : {true, false}) {
          // The second setting beside the first, in the same object.
          const auto extra = "\"" + spelling + "\":" + other;
          auto json = frame.json;
          const auto at = static_cast<std::size_t>(it->position());
          if (before) {
            json.insert(at, extra + ",");
          } else {
            json.insert(at + it->length(), "," + extra);
          }
          SCOPED_TRACE(json);
          EXPECT_FALSE(decode(json, Encoding::json, message.get(), &error));
          // Named as the second one was written (unescaped).
          const auto named = before || spelling.starts_with('\\') ? key : spelling;
          EXPECT_NE(error.find("\"" + named + "\""), std::string::npos) << error;
          EXPECT_NE(error.find("set twice"), std::string::npos) << error;
          ++refused;
        }
      }
    }
  }
  EXPECT_GT(refused, 60);
  // An object field set twice, and a list set twice.
  v1::OnlineRequest online;
  std::string error;
  EXPECT_FALSE(decode(R"({"batch":{"events":[]},"batch":{"resync":true}})", Encoding::json, &online,
                      &error));
  EXPECT_FALSE(decode(R"({"batch":{"events":[],"events":[{"kind":"join"}]}})", Encoding::json,
                      &online, &error));
  // Not JSON at all: protobuf's parser says why, as before.
  EXPECT_FALSE(decode(R"({"batch":{"events":[}})", Encoding::json, &online, &error));
  EXPECT_EQ(error.find("set twice"), std::string::npos) << error;
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
