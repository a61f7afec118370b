#pragma once

#include <string>
#include <string_view>

#include "rollcall/v1/auth.pb.h"
#include "tests/support/redis_server.h"

namespace rollcall::tests::support {

// Issues a fresh access token for `event` straight into Redis, as rollcall-admin stores it
// (hash {E}:tokens, field = token hash, value = TokenRecord JSON); returns the token text.
// `record` sets the role and may carry expiry or revocation for tests of refusals.
std::string issue_token(const RedisServer& redis, std::string_view event,
                        rollcall::v1::TokenRecord record);
std::string issue_token(const RedisServer& redis, std::string_view event, rollcall::v1::Role role);
// A desk token whose scans count for `desk_id` (as `token issue --role desk --desk ID`).
std::string issue_desk_token(const RedisServer& redis, std::string_view event,
                             std::string_view desk_id);

}  // namespace rollcall::tests::support
