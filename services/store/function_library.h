#pragma once

#include <string_view>

namespace rollcall::services::store {

// The Redis Functions library (services/store/rollcall.lua), compiled into the binary so that a
// gateway always loads the rules it was built with (FUNCTION LOAD REPLACE on every connect).
std::string_view function_library();

inline constexpr std::string_view kScanFunction = "rollcall_scan";
inline constexpr std::string_view kTotalsFunction = "rollcall_totals";
inline constexpr std::string_view kResetInsideFunction = "rollcall_reset_inside";
inline constexpr std::string_view kPresenceFunction = "rollcall_presence";
inline constexpr std::string_view kRenewLeasesFunction = "rollcall_renew_leases";
inline constexpr std::string_view kExpireLeasesFunction = "rollcall_expire_leases";
inline constexpr std::string_view kForgetDeskFunction = "rollcall_forget_desk";
inline constexpr std::string_view kRegisterBadgeFunction = "rollcall_register_badge";
inline constexpr std::string_view kReplaceBadgeFunction = "rollcall_replace_badge";
inline constexpr std::string_view kVenueFoldFunction = "rollcall_venue_fold";

}  // namespace rollcall::services::store
