#pragma once

#include <string>
#include <string_view>

namespace rollcall::services::auth {

// A new access token: "rc_" and 32 random bytes in unpadded base64url, so it is also a valid
// WebSocket subprotocol token for browsers.
std::string generate_token();

// Hex SHA-256 of the token text: what Redis stores. Tokens carry 256 random bits, so a fast hash
// is enough; nothing that can replay a token is kept.
std::string token_hash(std::string_view token);

// The public name of a token in lists and logs: the first 12 hex digits of its hash.
std::string token_id(std::string_view hash);

}  // namespace rollcall::services::auth
