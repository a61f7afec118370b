#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rollcall::services::store {

// The Redis Functions library (services/store/rollcall.lua), compiled into the binary so that a
// gateway always loads the rules it was built with (FUNCTION LOAD REPLACE on every connect).
std::string_view function_library();
// FUNCTION LOAD REPLACE <the library>: what a gateway sends on connect, and a tool before its
// first FCALL on a Redis no gateway of this version has loaded yet.
std::vector<std::string> function_load();
// Whether Redis's error text says the function is not loaded ("Function not found").
bool is_function_missing(std::string_view error_text);

inline constexpr std::string_view kScanFunction = "rollcall_scan";
inline constexpr std::string_view kTotalsFunction = "rollcall_totals";
inline constexpr std::string_view kRegistryFunction = "rollcall_registry";
inline constexpr std::string_view kResetInsideFunction = "rollcall_reset_inside";
inline constexpr std::string_view kPresenceFunction = "rollcall_presence";
inline constexpr std::string_view kRenewLeasesFunction = "rollcall_renew_leases";
inline constexpr std::string_view kExpireLeasesFunction = "rollcall_expire_leases";
inline constexpr std::string_view kForgetDeskFunction = "rollcall_forget_desk";
inline constexpr std::string_view kRegisterBadgeFunction = "rollcall_register_badge";
inline constexpr std::string_view kReplaceBadgeFunction = "rollcall_replace_badge";
inline constexpr std::string_view kVenueFoldFunction = "rollcall_venue_fold";
inline constexpr std::string_view kPrivacySwapFunction = "rollcall_privacy_swap";

}  // namespace rollcall::services::store
