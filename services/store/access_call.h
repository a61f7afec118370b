#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "redis/reply.h"
#include "services/store/reply_read.h"

// What an organizer issues and takes back (rollcall-admin): access tokens ({E}:tokens), the
// desks in the totals, badge-signing public keys ({E}:badge_keys) and the ticket key
// ({E}:secrets). The records are proto JSON the gateway reads (services/auth); reads of a whole
// hash are event_reads.h's (tokens_read, badge_keys_read, secret_read).
namespace rollcall::services::store {

// HSETNX {E}:tokens HASH record: a new token (reply: read_created).
std::vector<std::string> token_create(std::string_view event_id, std::string_view token_hash,
                                      std::string_view record_json);
// HSET {E}:tokens HASH record: a token changed (revoked) or copied to a venue's member event.
std::vector<std::string> token_write(std::string_view event_id, std::string_view token_hash,
                                     std::string_view record_json);
// HEXISTS {E}:tokens HASH (read_exists).
std::vector<std::string> token_exists_read(std::string_view event_id, std::string_view token_hash);

// FCALL rollcall_forget_desk 1 {E} desk server_ms: the desk's counters removed, displays told.
std::vector<std::string> forget_desk_call(std::string_view event_id, std::string_view desk_id,
                                          std::int64_t server_ms);
// How many counters went (0: none had the desk), else the error.
Read<std::int64_t> read_forget_desk(const redis::Reply& reply);
// SREM {E}:forgotten_desks desk: a forgotten desk tracked again (read_created: 1 when it was
// forgotten).
std::vector<std::string> desk_unforget(std::string_view event_id, std::string_view desk_id);

// HSETNX / HSET / HGET {E}:badge_keys KEYID: a new key, a key retired, one key.
std::vector<std::string> badge_key_create(std::string_view event_id, std::string_view key_id,
                                          std::string_view key_json);
std::vector<std::string> badge_key_write(std::string_view event_id, std::string_view key_id,
                                         std::string_view key_json);
std::vector<std::string> badge_key_read(std::string_view event_id, std::string_view key_id);

// HSET {E}:secrets tickets HEX: the ticket key replaced (every ticket before it refused).
std::vector<std::string> ticket_key_write(std::string_view event_id, std::string_view key_hex);

// A 0/1 answer (HSETNX, SREM of one member): whether it was written or removed.
Read<bool> read_created(const redis::Reply& reply);

}  // namespace rollcall::services::store
