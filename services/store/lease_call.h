#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "redis/reply.h"
#include "services/store/reply_read.h"

// The presence leases (services/store/rollcall.lua renew_leases, expire_leases) and the day
// reset (reset_inside): a gateway renews the leases of the holders it serves, folds away the
// connections of lapsed ones, and counts out at the event's reset time whoever is still inside.
namespace rollcall::services::store {

// FCALL rollcall_renew_leases: every holder's lease runs until `until_ms` (1 surrenders them).
std::vector<std::string> renew_leases_call(std::string_view event_id, std::int64_t until_ms,
                                           const std::vector<std::string>& holders);
// FCALL rollcall_expire_leases: folds away the connections of leases lapsed at `now_ms`,
// counted on the event's local `day`.
std::vector<std::string> expire_leases_call(std::string_view event_id, std::int64_t now_ms,
                                            std::string_view day);
// FCALL rollcall_reset_inside: counts out everyone still inside, the new local `day` begun.
std::vector<std::string> reset_inside_call(std::string_view event_id, std::string_view day);

// The three answer how many they moved: a non-negative integer, else the error.
Read<std::int64_t> read_moved_count(const redis::Reply& reply);

}  // namespace rollcall::services::store
