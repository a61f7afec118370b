// Zoom's webhook: signatures checked against vectors computed outside this code (RFC 4231 and
// `openssl dgst -sha256 -hmac`), and the four participant events read into joins and leaves.
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <set>

#include "services/presence/presence_items.h"
#include "services/presence/zoom_webhook.h"

namespace rollcall::services::presence {
namespace {

constexpr std::string_view kSecret = "zoom-secret-token";
constexpr std::string_view kBody = R"({"event":"meeting.participant_joined"})";
constexpr std::int64_t kTimestamp = 1'720'425'600;
// printf 'v0:1720425600:{"event":"meeting.participant_joined"}' |
//   openssl dgst -sha256 -hmac zoom-secret-token
constexpr std::string_view kSignature =
    "v0=7f1dd46e38fc09b228c12525d9f9a33ecaef01b90c5bc1d721efaa3a3150e039";

TEST(HmacSha256, MatchesRfc4231TestCase2) {
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(ZoomSignature, AcceptsTheKnownVector) {
  EXPECT_EQ(check_zoom_signature(kSecret, "1720425600", kSignature, kBody, kTimestamp),
            std::nullopt);
  // Clocks differ a little: up to five minutes either way.
  EXPECT_EQ(check_zoom_signature(kSecret, "1720425600", kSignature, kBody, kTimestamp + 299),
            std::nullopt);
  EXPECT_EQ(check_zoom_signature(kSecret, "1720425600", kSignature, kBody, kTimestamp - 299),
            std::nullopt);
}

TEST(ZoomSignature, RefusesWrongStaleOrMissing) {
  auto refused = [](std::string_view secret, std::string_view timestamp, std::string_view signature,
                    std::string_view body, std::int64_t now) {
    const auto why = check_zoom_signature(secret, timestamp, signature, body, now);
    return why.has_value() && !why->empty();
  };
  EXPECT_TRUE(refused("other-secret", "1720425600", kSignature, kBody, kTimestamp));
  EXPECT_TRUE(refused(kSecret, "1720425600", kSignature, R"({"event":"meeting.participant_left"})",
                      kTimestamp));
  EXPECT_TRUE(refused(kSecret, "1720425601", kSignature, kBody, kTimestamp));  // replayed header
  EXPECT_TRUE(refused(kSecret, "1720425600", kSignature.substr(3), kBody, kTimestamp));  // no v0=
  EXPECT_TRUE(refused(kSecret, "1720425600", std::string(kSignature) + "0", kBody, kTimestamp));
  EXPECT_TRUE(refused(kSecret, "1720425600", kSignature, kBody, kTimestamp + 301));  // stale
  EXPECT_TRUE(refused(kSecret, "1720425600", kSignature, kBody, kTimestamp - 301));  // future
  EXPECT_TRUE(refused(kSecret, "", kSignature, kBody, kTimestamp));
  EXPECT_TRUE(refused(kSecret, "1720425600", "", kBody, kTimestamp));
  EXPECT_TRUE(refused(kSecret, "17204256OO", kSignature, kBody, kTimestamp));
  EXPECT_TRUE(refused(kSecret, "1720425600 ", kSignature, kBody, kTimestamp));
  const auto stale =
      check_zoom_signature(kSecret, "1720425600", kSignature, kBody, kTimestamp + 3600);
  ASSERT_TRUE(stale);
  EXPECT_NE(stale->find("stale"), std::string::npos) << *stale;
}

TEST(ZoomUrlValidation, AnswersWithTheHmacOfThePlainToken) {
  std::string why;
  const auto notification = parse_zoom_notification(
      R"({"event":"endpoint.url_validation","payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},)"
      R"("event_ts":1654503849680})",
      &why);
  ASSERT_TRUE(notification) << why;
  EXPECT_EQ(notification->kind, ZoomNotification::Kind::url_validation);
  EXPECT_EQ(notification->plain_token, "qgg8vlvZRS6UYooatFL8Aw");

  const auto answer =
      boost::json::parse(zoom_url_validation_answer(kSecret, "qgg8vlvZRS6UYooatFL8Aw"));
  EXPECT_EQ(answer.at("plainToken").as_string(), "qgg8vlvZRS6UYooatFL8Aw");
  // printf qgg8vlvZRS6UYooatFL8Aw | openssl dgst -sha256 -hmac zoom-secret-token
  EXPECT_EQ(answer.at("encryptedToken").as_string(),
            "d9e0d764a78494688ba3f2d5c0ed4ca311394b4834d959759213424d2df961e3");
}

// A participant event as Zoom sends it (trimmed to the fields that matter).
std::string participant_event(const std::string& event, const std::string& participant,
                              const std::string& event_ts = "1720425600123") {
  const bool joined = event.ends_with("joined");
  return R"({"event":")" + event + R"(","event_ts":)" + event_ts +
         R"(,"payload":{"account_id":"AAA","object":{"id":"85746065432","uuid":"4444AAAiAAAAAiAiAiiAii==",)"
         R"("host_id":"x1","topic":"WSIS+20 High-Level Event","participant":{)" +
         participant + R"(,")" + (joined ? "join_time" : "leave_time") +
         R"(":"2025-07-08T09:00:05Z"}}}})";
}

TEST(ZoomParticipants, TheFourEventsBecomeJoinsAndLeaves) {
  const std::string who =
      R"("user_id":"16778240","user_name":"Jill Chill","id":"iFxeBPYun6SAiWUzBcEkX",)"
      R"("participant_uuid":"55555AAAiAAAAAiAiAiiAii","email":"Jill@Example.org")";
  const std::pair<const char*, v1::PresenceKind> cases[] = {
      {"meeting.participant_joined", v1::join},
      {"meeting.participant_left", v1::leave},
      {"webinar.participant_joined", v1::join},
      {"webinar.participant_left", v1::leave},
  };
  std::set<std::string> ids;
  for (const auto& [event, kind] : cases) {
    std::string why;
    const auto notification = parse_zoom_notification(participant_event(event, who), &why);
    ASSERT_TRUE(notification) << event << ": " << why;
    ASSERT_EQ(notification->kind, ZoomNotification::Kind::presence) << event;
    const auto& item = notification->presence;
    EXPECT_EQ(item.kind(), kind) << event;
    // The e-mail, lower-cased, follows the person across meetings.
    EXPECT_EQ(item.participant_id(), "zoom:jill@example.org") << event;
    EXPECT_EQ(item.platform(), "zoom");
    EXPECT_EQ(item.session(), "WSIS+20 High-Level Event");
    EXPECT_EQ(item.time().seconds(), 1'751'965'205) << event;  // 2025-07-08T09:00:05Z
    EXPECT_TRUE(item.presence_id().starts_with("zoom-")) << item.presence_id();
    ids.insert(item.presence_id());
  }
  EXPECT_EQ(ids.size(), 4u);  // four different deliveries, four idempotency keys
}

TEST(ZoomParticipants, ARetriedDeliveryKeepsItsPresenceId) {
  const std::string who = R"("id":"abc","email":"a@b.org")";
  std::string why;
  const auto first =
      parse_zoom_notification(participant_event("meeting.participant_joined", who), &why);
  const auto retry =
      parse_zoom_notification(participant_event("meeting.participant_joined", who), &why);
  const auto later = parse_zoom_notification(
      participant_event("meeting.participant_joined", who, "1720425999000"), &why);
  ASSERT_TRUE(first && retry && later) << why;
  EXPECT_EQ(first->presence.presence_id(), retry->presence.presence_id());
  EXPECT_NE(first->presence.presence_id(), later->presence.presence_id());  // a real rejoin
}

TEST(ZoomParticipants, IdentityFallsBackWhenThereIsNoEmail) {
  std::string why;
  auto n = parse_zoom_notification(
      participant_event("meeting.participant_joined",
                        R"("id":"ID1","user_id":"U1","participant_uuid":"PU1")"),
      &why);
  ASSERT_TRUE(n) << why;
  EXPECT_EQ(n->presence.participant_id(), "zoom:pu1");
  n = parse_zoom_notification(
      participant_event("meeting.participant_joined", R"("id":"ID1","user_id":16778240)"), &why);
  ASSERT_TRUE(n) << why;
  EXPECT_EQ(n->presence.participant_id(), "zoom:16778240");  // numbers are ids too
  n = parse_zoom_notification(participant_event("meeting.participant_joined", R"("id":"ID1")"),
                              &why);
  ASSERT_TRUE(n) << why;
  EXPECT_EQ(n->presence.participant_id(), "zoom:id1");
}

TEST(ZoomParticipants, RegistrantIdBecomesTheBadge) {
  std::string why;
  const auto n = parse_zoom_notification(
      participant_event("webinar.participant_joined", R"("email":"x@y.org","registrant_id":"M1")"),
      &why);
  ASSERT_TRUE(n) << why;
  EXPECT_EQ(n->presence.badge_id(), "M1");
}

// Zoom's own times are a client's clock like any other: an absurd one parses, and is then not
// believed (presence_items.h); one that is no time at all is said so.
TEST(ZoomParticipants, AbsurdAndUnreadableTimesAreNotTaken) {
  const auto with_time = [](const std::string& value) {
    return R"({"event":"meeting.participant_joined","event_ts":1720425600123,"payload":{"object":)"
           R"({"id":"1","participant":{"email":"a@b.org","join_time":)" +
           value + "}}}}";
  };
  const std::int64_t server = 1'751'958'000'000;  // 2025-07-08T07:00:00Z
  const auto window = checkin::client_time_window({}, server);
  for (const char* absurd : {R"("1900-01-01T00:00:00Z")", R"("0001-01-01T00:00:00Z")",
                             R"("9999-12-31T23:59:59Z")", R"("1969-12-31T23:59:59Z")"}) {
    std::string why;
    auto n = parse_zoom_notification(with_time(absurd), &why);
    ASSERT_TRUE(n) << why;
    ASSERT_TRUE(n->presence.has_time()) << absurd;
    EXPECT_TRUE(n->unreadable_time.empty());
    EXPECT_TRUE(drop_unbelieved_time(&n->presence, window)) << absurd;
    EXPECT_FALSE(n->presence.has_time()) << absurd;
  }
  for (const char* unreadable :
       {R"("NaN")", R"("2025-02-30T00:00:00Z")", R"("2025-07-08T23:59:60Z")", R"(1e300)", R"(-1)",
        R"(null)", R"({"a":1})", R"("")"}) {
    std::string why;
    const auto n = parse_zoom_notification(with_time(unreadable), &why);
    ASSERT_TRUE(n) << why;
    EXPECT_FALSE(n->presence.has_time()) << unreadable;
    EXPECT_FALSE(n->unreadable_time.empty()) << unreadable;
  }
  std::string why;
  const auto huge = parse_zoom_notification(with_time('"' + std::string(5000, '9') + '"'), &why);
  ASSERT_TRUE(huge) << why;
  EXPECT_LE(huge->unreadable_time.size(), 140u);  // quoted, never echoed whole
}

TEST(ZoomParticipants, OtherEventsAreIgnoredNotRefused) {
  std::string why;
  const auto n = parse_zoom_notification(
      R"({"event":"meeting.started","event_ts":1,"payload":{"object":{"id":"1"}}})", &why);
  ASSERT_TRUE(n) << why;
  EXPECT_EQ(n->kind, ZoomNotification::Kind::ignored);
}

TEST(ZoomParticipants, MalformedBodiesSayWhy) {
  for (const char* body : {
           "not json", "[1,2]",
           R"({"payload":{}})",                                       // no event
           R"({"event":"meeting.participant_joined"})",               // no payload
           R"({"event":"meeting.participant_joined","payload":3})",   // payload not an object
           R"({"event":"meeting.participant_joined","payload":{}})",  // no object.participant
           R"({"event":"meeting.participant_left","payload":{"object":{"participant":{}}}})",
           R"({"event":"endpoint.url_validation","payload":{}})",  // no plainToken
       }) {
    std::string why;
    EXPECT_FALSE(parse_zoom_notification(body, &why)) << body;
    EXPECT_FALSE(why.empty()) << body;
  }
}

}  // namespace
}  // namespace rollcall::services::presence
