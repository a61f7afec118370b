#include "services/presence/zoom_webhook.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <google/protobuf/util/time_util.h>
#include <boost/json.hpp>

#include "services/registry/utf8.h"

namespace rollcall::services::presence {
namespace {

std::string hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 15]);
  }
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) difference |= a[i] ^ b[i];
  return difference == 0;
}

std::string string_at(const boost::json::object& object, std::string_view name) {
  const auto* value = object.if_contains(name);
  if (!value) return {};
  if (value->is_string()) return std::string(value->get_string());
  if (value->is_int64()) return std::to_string(value->get_int64());
  if (value->is_uint64()) return std::to_string(value->get_uint64());
  return {};
}

// At most `max` bytes of `text`, never cut inside a UTF-8 character: what is stored and
// exported must stay valid text.
std::string utf8_prefix(std::string text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  return text;
}

}  // namespace

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return hex(digest, length);
}

std::optional<std::string> check_zoom_signature(std::string_view secret,
                                                std::string_view timestamp_header,
                                                std::string_view signature_header,
                                                std::string_view body, std::int64_t now_seconds) {
  if (timestamp_header.empty() || signature_header.empty()) {
    return "missing x-zm-request-timestamp or x-zm-signature";
  }
  std::int64_t timestamp = 0;
  try {
    std::size_t used = 0;
    timestamp = std::stoll(std::string(timestamp_header), &used);
    if (used != timestamp_header.size()) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    return "x-zm-request-timestamp is not a number";
  }
  if (timestamp > now_seconds + kZoomMaxSkewSeconds ||
      timestamp < now_seconds - kZoomMaxSkewSeconds) {
    return "stale x-zm-request-timestamp (more than 5 minutes off)";
  }
  std::string message = "v0:";
  message.append(timestamp_header).append(":").append(body);
  const auto expected = "v0=" + hmac_sha256_hex(secret, message);
  if (!constant_time_equal(expected, signature_header)) return "wrong x-zm-signature";
  return std::nullopt;
}

std::optional<ZoomNotification> parse_zoom_notification(std::string_view body, std::string* why) {
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) {
    *why = "the body is not a JSON object";
    return std::nullopt;
  }
  const auto& root = value.get_object();
  const auto event = string_at(root, "event");
  const auto* payload = root.if_contains("payload");
  if (event.empty() || !payload || !payload->is_object()) {
    *why = "not a Zoom notification (no event or payload)";
    return std::nullopt;
  }
  ZoomNotification notification;
  if (event == "endpoint.url_validation") {
    notification.kind = ZoomNotification::Kind::url_validation;
    notification.plain_token = string_at(payload->get_object(), "plainToken");
    if (notification.plain_token.empty()) {
      *why = "url_validation without plainToken";
      return std::nullopt;
    }
    return notification;
  }
  const bool joined =
      event == "meeting.participant_joined" || event == "webinar.participant_joined";
  const bool left = event == "meeting.participant_left" || event == "webinar.participant_left";
  if (!joined && !left) return notification;  // other events: acknowledged, ignored

  const auto* object = payload->get_object().if_contains("object");
  const auto* participant =
      object && object->is_object() ? object->get_object().if_contains("participant") : nullptr;
  if (!participant || !participant->is_object()) {
    *why = "participant event without payload.object.participant";
    return std::nullopt;
  }
  const auto& who = participant->get_object();
  // The e-mail follows a person across meetings and reconnections; the ids may not.
  std::string identity = string_at(who, "email");
  for (const char* field : {"participant_uuid", "user_id", "id"}) {
    if (!identity.empty()) break;
    identity = string_at(who, field);
  }
  if (identity.empty()) {
    *why = "participant without email, participant_uuid, user_id or id";
    return std::nullopt;
  }
  for (auto& c : identity) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));

  notification.kind = ZoomNotification::Kind::presence;
  auto& presence = notification.presence;
  presence.set_kind(joined ? v1::join : v1::leave);
  presence.set_participant_id("zoom:" + utf8_prefix(identity, 120));
  presence.set_platform("zoom");
  presence.set_session(utf8_prefix(string_at(object->get_object(), "topic"), 128));
  presence.set_badge_id(string_at(who, "registrant_id"));
  // A retried delivery repeats event, event_ts and participant: the same presence_id.
  const auto delivery = event + "|" + string_at(root, "event_ts") + "|" + identity + "|" +
                        string_at(who, joined ? "join_time" : "leave_time");
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(delivery.data()), delivery.size(), digest);
  presence.set_presence_id("zoom-" + hex(digest, 16));
  // The time is checked like any client's clock when it is applied (checkin/time_window.h).
  // event_ts stays out of it: it only tells deliveries apart, above.
  if (const auto* given = who.if_contains(joined ? "join_time" : "leave_time")) {
    google::protobuf::Timestamp at;
    if (given->is_string() &&
        google::protobuf::util::TimeUtil::FromString(std::string(given->get_string()), &at)) {
      *presence.mutable_time() = at;
    } else {
      notification.unreadable_time = registry::quote_input(boost::json::serialize(*given));
    }
  }
  return notification;
}

std::string zoom_url_validation_answer(std::string_view secret, std::string_view plain_token) {
  boost::json::object answer;
  answer["plainToken"] = plain_token;
  answer["encryptedToken"] = hmac_sha256_hex(secret, plain_token);
  return boost::json::serialize(answer);
}

}  // namespace rollcall::services::presence
