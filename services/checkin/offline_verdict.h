#pragma once

#include <optional>
#include <string_view>

#include "rollcall/v1/rollcall.pb.h"

namespace rollcall::services::checkin {

// How the gateway's answer compares with what a desk told its volunteer on its own while
// offline: "agreed", "admitted_refused" (the desk let in someone the gateway refuses: a badge
// revoked after the desk's last sync, say) or "refused_admitted". nullopt when the desk did not
// decide, or when the answer is no verdict (malformed, unavailable, a replayed scan_id already
// counted).
std::optional<std::string_view> offline_verdict_outcome(const v1::ScanRequest& request,
                                                        const v1::ScanResult& result);

// True for the statuses that let the person through (entries and exits alike).
bool lets_through(v1::ScanStatus status);

}  // namespace rollcall::services::checkin
