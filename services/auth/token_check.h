#pragma once

#include <chrono>

#include "rollcall/v1/auth.pb.h"

namespace rollcall::services::auth {

enum class TokenVerdict { ok, unknown, expired, revoked };

// Whether a stored token may be used at `now`; `record` is null when no such token exists.
TokenVerdict check_token(const v1::TokenRecord* record, std::chrono::system_clock::time_point now);

// "unknown", "expired", "revoked": the words sent back to the client and counted in metrics.
const char* verdict_name(TokenVerdict verdict);

}  // namespace rollcall::services::auth
