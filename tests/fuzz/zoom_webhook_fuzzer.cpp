// Zoom webhook (gateway/server/zoom_route.cpp): the body is checked against its signature, then
// parsed; a participant event becomes a presence item, cleaned and validated as the route does.
// What survives must be storable text; the url_validation answer must be the JSON Zoom expects.
#include <cstddef>
#include <cstdint>

#include <boost/json/parse.hpp>

#include "rollcall/v1/rollcall.pb.h"
#include "services/checkin/scan_validator.h"
#include "services/presence/presence_items.h"
#include "services/presence/zoom_webhook.h"
#include "services/registry/country_codes.h"
#include "services/registry/event_config.h"
#include "services/registry/utf8.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace rollcall;
namespace presence = services::presence;
namespace registry = services::registry;

constexpr std::string_view kSecret = "fuzz-secret-token";
constexpr std::int64_t kNow = 1'780'000'000;

const registry::CountryCodes& countries() {
  static const auto codes = registry::CountryCodes::load();
  return codes;
}

const v1::Event& event() {
  static const auto config = registry::default_event("fuzz");
  return config;
}

bool is_hex(std::string_view text) {
  return text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

void check_signature(std::string_view body) {
  const std::string timestamp = std::to_string(kNow);
  const auto signature =
      "v0=" + presence::hmac_sha256_hex(kSecret, "v0:" + timestamp + ":" + std::string(body));
  FUZZ_CHECK(signature.size() == 3 + 64);
  FUZZ_CHECK(!presence::check_zoom_signature(kSecret, timestamp, signature, body, kNow));
  FUZZ_CHECK(presence::check_zoom_signature(kSecret, timestamp, signature, body,
                                            kNow + presence::kZoomMaxSkewSeconds + 1));
  auto forged = signature;
  forged[3 + body.size() % 64] ^= 1;
  FUZZ_CHECK(presence::check_zoom_signature(kSecret, timestamp, forged, body, kNow));
  // The header itself is outside input too: the body's first line stands in for it.
  const auto header = body.substr(0, std::min(body.find('\n'), std::size_t{32}));
  const auto signed_header =
      "v0=" + presence::hmac_sha256_hex(kSecret, "v0:" + std::string(header) + ":" + "{}");
  (void)presence::check_zoom_signature(kSecret, header, signed_header, "{}", kNow);
}

void check_presence(v1::PresenceEvent item) {
  FUZZ_CHECK(item.presence_id().size() == 5 + 32 && item.presence_id().starts_with("zoom-") &&
             is_hex(item.presence_id().substr(5)));
  FUZZ_CHECK(item.participant_id().starts_with("zoom:"));
  FUZZ_CHECK(item.kind() == v1::join || item.kind() == v1::leave);
  // As the route does: a registrant id that is no badge code is dropped, then the item validated.
  if (!item.badge_id().empty() && !services::checkin::is_identifier(item.badge_id())) {
    item.clear_badge_id();
  }
  if (presence::validate_presence(&item, countries(), event())) return;  // 422, nothing stored
  // Stored in Redis, listed in exports, and the ack goes back as JSON.
  for (const auto* text : {&item.participant_id(), &item.platform(), &item.session()}) {
    FUZZ_CHECK(registry::is_valid_utf8(*text));
  }
  fuzz::check_round_trips(item);
  const auto ack = presence::presence_ack(item.presence_id(), v1::PresenceAck::joined);
  fuzz::check_round_trip(ack, services::wire::Encoding::json);
}

void check_url_validation(const std::string& plain_token) {
  FUZZ_CHECK(!plain_token.empty());
  const auto answer = presence::zoom_url_validation_answer(kSecret, plain_token);
  boost::system::error_code ec;
  const auto value = boost::json::parse(answer, ec);
  FUZZ_CHECK(!ec && value.is_object());
  const auto& object = value.get_object();
  FUZZ_CHECK(object.contains("plainToken") && object.at("plainToken").is_string() &&
             object.at("plainToken").get_string() == plain_token);
  FUZZ_CHECK(object.contains("encryptedToken") && object.at("encryptedToken").is_string());
  const auto encrypted = object.at("encryptedToken").get_string();
  FUZZ_CHECK(encrypted.size() == 64 && is_hex(encrypted));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet_protobuf();
  countries();
  event();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto body = fuzz::as_text(data, size);
  check_signature(body);
  std::string why;
  const auto notification = presence::parse_zoom_notification(body, &why);
  if (!notification) {
    FUZZ_CHECK(!why.empty());
    return 0;
  }
  using Kind = presence::ZoomNotification::Kind;
  if (notification->kind == Kind::url_validation) check_url_validation(notification->plain_token);
  if (notification->kind == Kind::presence) check_presence(notification->presence);
  return 0;
}
