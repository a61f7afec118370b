#pragma once

#include <chrono>
#include <string>

#include "rollcall/v1/auth.pb.h"

namespace rollcall::services::auth {

enum class TokenVerdict { ok, unknown, expired, revoked };

// Whether a stored token may be used at `now`; `record` is null when no such token exists.
TokenVerdict check_token(const v1::TokenRecord* record, std::chrono::system_clock::time_point now);

// "unknown", "expired", "revoked": the words sent back to the client and counted in metrics.
const char* verdict_name(TokenVerdict verdict);

// The desk a desk token scans for: the desk id it was issued with, else the token's own id. A
// desk is its token, so a frame cannot invent desks.
std::string desk_id_of(const v1::TokenRecord& record);

}  // namespace rollcall::services::auth
