#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "rollcall/v1/auth.pb.h"
#include "rollcall/v1/rollcall.pb.h"
#include "services/badges/badge_code.h"

namespace rollcall::services::checkin {

using BadgeKeys = std::map<std::string, v1::BadgeKey, std::less<>>;

// What a scanned badge text proves, before anything is counted.
struct BadgeProof {
  std::optional<v1::ScanResult> refusal;    // invalid_signature: nothing more is done
  std::optional<badges::BadgeClaim> claim;  // a genuine signed code: its days still apply
};

// A signed code ("RC1:...") in request->badge_id is verified against the event's keys and
// replaced by the badge id it vouches for. An event with keys accepts signed codes only, so a
// typed or copied plain id cannot stand in for a badge; an event without keys takes plain ids.
BadgeProof prove_badge(v1::ScanRequest* request, std::string_view event_id, const BadgeKeys& keys);

// wrong_day when a genuine code does not cover the day the scan counts for.
std::optional<v1::ScanResult> check_badge_day(const BadgeProof& proof,
                                              const v1::ScanRequest& request, std::string_view day);

}  // namespace rollcall::services::checkin
