#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "rollcall/v1/registration.pb.h"
#include "rollcall/v1/rollcall.pb.h"

namespace rollcall::services::checkin {

// A check-in by hand (POST .../checkins): a registration desk vouches for a person whose badge
// cannot be scanned, by badge id, with a reason. It counts exactly as a scan of that badge by the
// desk of the token that sent it, and is marked manual (log, exports, totals).

inline constexpr std::size_t kMaxNoteCharacters = 200;

// Checks a ManualCheckin before anything else is done with it: the identifiers as for a scan
// (checkin_id 1-128, badge_id and zone 1-64 of [A-Za-z0-9_.:-]), the direction, a known reason,
// and the note (at most 200 characters of UTF-8 without control characters; required for
// `other`). Returns the reason in plain words naming the field; the field's content is never
// quoted. A badge id stands even in an event whose badges carry signed codes: the badge was
// forgotten, and the desk's scope is what vouches for the person.
std::optional<std::string> validate_manual_checkin(const v1::ManualCheckin& checkin);

// The scan the check-in counts as, for the desk `desk_id` (the token's desk, never the body's).
v1::ScanRequest scan_request_for(const v1::ManualCheckin& checkin, std::string_view desk_id);

// The Redis function's word for a reason ("badge_forgotten", ...); empty for unspecified.
std::string manual_reason_word(v1::ManualReason reason);

}  // namespace rollcall::services::checkin
