#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "redis/reply.h"
#include "services/store/reply_read.h"

// Commands on a key the caller names, for the tools that walk an event's keys whole: the archive
// (every key by its type) and the privacy rewrite (records renamed, fields and members swapped).
// Keys with one meaning have their own named reads (event_reads.h, registry_reader.h); these
// say only which command, so that no tool spells one out.
namespace rollcall::services::store {

using Command = std::vector<std::string>;
using FieldPairs = std::vector<std::pair<std::string, std::string>>;

// Reads. Replies: read_hash, read_field, read_members, read_exists (event_reads.h), read_count,
// read_type, read_text, read_scored, read_stream_last_id (below).
Command hash_read(std::string_view key);                                       // HGETALL
Command hash_field_read(std::string_view key, std::string_view field);         // HGET
Command hash_length_read(std::string_view key);                                // HLEN
Command hash_field_exists_read(std::string_view key, std::string_view field);  // HEXISTS
Command set_read(std::string_view key);                                        // SMEMBERS
Command set_member_read(std::string_view key, std::string_view member);        // SISMEMBER
Command set_size_read(std::string_view key);                                   // SCARD
Command key_exists_read(std::string_view key);                                 // EXISTS
Command key_type_read(std::string_view key);                                   // TYPE
Command string_read(std::string_view key);                                     // GET
Command sorted_set_read(std::string_view key);   // ZRANGE key 0 -1 WITHSCORES
Command stream_info_read(std::string_view key);  // XINFO STREAM

// Writes (their replies are counts or OK; a refusal throws in the session).
Command hash_write(std::string_view key, const FieldPairs& fields);  // HSET key f v...
Command hash_field_write(std::string_view key, std::string_view field, std::string_view value);
// HSETNX: written only when the field is new (reply: read_exists, 1 when written).
Command hash_field_create(std::string_view key, std::string_view field, std::string_view value);
Command hash_field_delete(std::string_view key, std::string_view field);         // HDEL
Command set_add(std::string_view key, const std::vector<std::string>& members);  // SADD
Command set_remove(std::string_view key, std::string_view member);               // SREM
Command string_write(std::string_view key, std::string_view value);              // SET
Command counter_raise(std::string_view key);                                     // INCR
Command key_delete(std::string_view key);                                        // DEL
Command keys_unlink(const std::vector<std::string>& keys);                       // UNLINK
Command key_rename(std::string_view from, std::string_view to);                  // RENAME
// XADD key id field value...: an entry with the id it had (a copied or restored log).
Command stream_add(std::string_view key, std::string_view id, const FieldPairs& fields);
Command stream_last_id_write(std::string_view key, std::string_view id);  // XSETID
// ZADD key score member...; scores written with 17 significant digits (they read back equal).
Command sorted_set_add(std::string_view key,
                       const std::vector<std::pair<std::string, double>>& scored);

// A non-negative integer (HLEN, SCARD, XLEN, INCR...).
Read<std::int64_t> read_count(const redis::Reply& reply);
// TYPE's answer: none, string, list, set, zset, hash or stream.
Read<std::string> read_type(const redis::Reply& reply);
// A string, "" for nil (GET of a missing key).
Read<std::string> read_text(const redis::Reply& reply);
// ZRANGE ... WITHSCORES: member/score pairs, each score a number.
Read<std::vector<std::pair<std::string, double>>> read_scored(const redis::Reply& reply);
// XINFO STREAM: its last-generated-id, nullopt when the answer names none.
Read<std::optional<std::string>> read_stream_last_id(const redis::Reply& reply);

}  // namespace rollcall::services::store
