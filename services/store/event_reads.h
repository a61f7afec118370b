#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "redis/reply.h"
#include "services/store/reply_read.h"

// The plain key reads of an event's and a venue's hashes and of the id sets: each builder names
// the key and field (keys.h says what they hold), each reader the reply shape. The meaning of
// what was read (an event config, a token record, a venue config) is the domain's.
namespace rollcall::services::store {

// EXISTS {E}:event: whether the event was imported.
std::vector<std::string> event_exists_read(std::string_view event_id);
// HGETALL {E}:counters: every counter of the event.
std::vector<std::string> counters_read(std::string_view event_id);
// HGET {E}:event config: the event config as proto JSON (nil: no such event).
std::vector<std::string> event_config_read(std::string_view event_id);
// HGETALL {E}:badge_keys: key id -> BadgeKey as proto JSON.
std::vector<std::string> badge_keys_read(std::string_view event_id);
// HGET {E}:secrets FIELD (kTicketKeyField, "zoom").
std::vector<std::string> secret_read(std::string_view event_id, std::string_view field);
// HSETNX {E}:secrets FIELD value: a secret made once, whoever races for it.
std::vector<std::string> secret_create(std::string_view event_id, std::string_view field,
                                       std::string_view value);
// HGET {E}:tokens HASH: a token record as proto JSON.
std::vector<std::string> token_read(std::string_view event_id, std::string_view token_hash);
// SMEMBERS rollcall:events / rollcall:venues.
std::vector<std::string> event_ids_read();
std::vector<std::string> venue_ids_read();
// HGET {@V}:venue config / events.
std::vector<std::string> venue_config_read(std::string_view venue_id);
std::vector<std::string> venue_events_read(std::string_view venue_id);
// EXISTS {E}:badge:B.
std::vector<std::string> badge_exists_read(std::string_view event_id, std::string_view badge_id);
// HGETALL {E}:badge:B.
std::vector<std::string> badge_hash_read(std::string_view event_id, std::string_view badge_id);
// GET {E}:registry_version.
std::vector<std::string> registry_version_read(std::string_view event_id);

// EXISTS {@V}:venue: whether the venue was created.
std::vector<std::string> venue_exists_read(std::string_view venue_id);
// SMEMBERS {E}:badges: every badge id of the registry (read_members).
std::vector<std::string> badge_ids_read(std::string_view event_id);
// SCARD {E}:badges: how many (read_count, key_commands.h).
std::vector<std::string> badge_count_read(std::string_view event_id);
// HGET {E}:badge:B FIELD (read_field).
std::vector<std::string> badge_field_read(std::string_view event_id, std::string_view badge_id,
                                          std::string_view field);
// HGETALL {E}:tokens: token hash -> TokenRecord as proto JSON (read_hash).
std::vector<std::string> tokens_read(std::string_view event_id);
// HGETALL {E}:persons: person id -> country (read_hash).
std::vector<std::string> persons_read(std::string_view event_id);
// GET {E}:seq (read_text: "" before the first change).
std::vector<std::string> seq_read(std::string_view event_id);

// SMISMEMBER {E}:inside PERSON...: who of these persons is inside now.
std::vector<std::string> inside_read(std::string_view event_id,
                                     const std::vector<std::string>& persons);
// One 0/1 per person asked, else the error.
Read<std::vector<bool>> read_inside(const redis::Reply& reply, std::size_t persons);

// A field or string: its text, nullopt when absent (nil).
Read<std::optional<std::string>> read_field(const redis::Reply& reply);
// A set's members.
Read<std::vector<std::string>> read_members(const redis::Reply& reply);
// A hash's field/value pairs.
Read<std::vector<std::pair<std::string, std::string>>> read_hash(const redis::Reply& reply);
// EXISTS: 0 or 1.
Read<bool> read_exists(const redis::Reply& reply);

}  // namespace rollcall::services::store
