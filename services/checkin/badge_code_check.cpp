#include "services/checkin/badge_code_check.h"

namespace rollcall::services::checkin {
namespace {

v1::ScanResult refused(const std::string& scan_id, v1::ScanStatus status, std::string reason) {
  v1::ScanResult result;
  result.set_scan_id(scan_id);
  result.set_status(status);
  result.set_reason(std::move(reason));
  return result;
}

std::string refusal_words(badges::CodeStatus status) {
  switch (status) {
    case badges::CodeStatus::malformed:
      return "This is not a readable rollcall badge code. Send the attendee to the help desk.";
    case badges::CodeStatus::unknown_key:
    case badges::CodeStatus::invalid_signature:
      return "This badge is not genuine (its signature does not match). Send the attendee to "
             "the help desk.";
    case badges::CodeStatus::retired_key:
      return "This badge was printed with a withdrawn key. Send the attendee to the help desk "
             "for a new badge.";
    case badges::CodeStatus::wrong_event:
      return "This badge is for another event.";
    case badges::CodeStatus::ok:
      break;
  }
  return {};
}

}  // namespace

BadgeProof prove_badge(v1::ScanRequest* request, std::string_view event_id, const BadgeKeys& keys) {
  BadgeProof proof;
  if (!badges::looks_like_badge_code(request->badge_id())) {
    if (!keys.empty()) {
      proof.refusal = refused(request->scan_id(), v1::invalid_signature,
                              "This event accepts signed badge codes only; scan the badge's "
                              "QR code.");
    }
    return proof;
  }
  const auto check =
      badges::verify_badge_code(request->badge_id(), event_id, [&keys](std::string_view key_id) {
        const auto it = keys.find(key_id);
        return it == keys.end() ? std::nullopt : std::optional<v1::BadgeKey>(it->second);
      });
  if (check.status != badges::CodeStatus::ok) {
    proof.refusal = refused(request->scan_id(), v1::invalid_signature, refusal_words(check.status));
    return proof;
  }
  request->set_badge_id(check.claim.badge_id);
  proof.claim = check.claim;
  return proof;
}

std::optional<v1::ScanResult> check_badge_day(const BadgeProof& proof,
                                              const v1::ScanRequest& request,
                                              std::string_view day) {
  if (!proof.claim || badges::valid_on(*proof.claim, day)) return std::nullopt;
  const auto& claim = *proof.claim;
  return refused(
      request.scan_id(), v1::wrong_day,
      "This badge is valid " +
          (claim.first_day.empty()  ? std::string("until ") + claim.last_day
           : claim.last_day.empty() ? "from " + claim.first_day
                                    : "from " + claim.first_day + " to " + claim.last_day) +
          ", not on " + std::string(day) + ".");
}

}  // namespace rollcall::services::checkin
