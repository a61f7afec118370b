#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rollcall/v1/rollcall.pb.h"

namespace rollcall::services::presence {

// Zoom's webhooks (meeting/webinar participant joined/left, endpoint.url_validation), signed
// with HMAC-SHA256 over "v0:{x-zm-request-timestamp}:{body}" with the app's secret token.

inline constexpr std::int64_t kZoomMaxSkewSeconds = 300;

std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// nullopt when the signature is right and the timestamp fresh; otherwise why not, in words.
std::optional<std::string> check_zoom_signature(std::string_view secret,
                                                std::string_view timestamp_header,
                                                std::string_view signature_header,
                                                std::string_view body, std::int64_t now_seconds);

struct ZoomNotification {
  enum class Kind { url_validation, presence, ignored };
  Kind kind = Kind::ignored;
  std::string plain_token;     // url_validation
  v1::PresenceEvent presence;  // presence: participant_id "zoom:...", presence_id stable per
                               // delivery, so Zoom's retries change nothing
  // The join_time or leave_time given (in JSON, quoted) when it is no RFC 3339 time: the item is
  // counted at the server's time, and flagged.
  std::string unreadable_time;
};

// nullopt and *why when the body is not a Zoom notification.
std::optional<ZoomNotification> parse_zoom_notification(std::string_view body, std::string* why);

// The JSON answer to endpoint.url_validation.
std::string zoom_url_validation_answer(std::string_view secret, std::string_view plain_token);

}  // namespace rollcall::services::presence
