#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redis/reply.h"
#include "services/store/reply_read.h"

// What the event archive (rollcall-admin archive) reads to know the event held still, and how it
// reads a key whole by its type. Writing keys back is key_commands.h's; the file format is
// services/archive's.
namespace rollcall::services::store {

// Where the event stands: {E}:seq, the id of its last log entry and the log's length.
struct EventPosition {
  std::string seq;      // "" before the first change
  std::string last_id;  // "" when the log is empty
  std::int64_t log_length = 0;
  bool operator==(const EventPosition&) const = default;
};
// GET {E}:seq, XREVRANGE {E}:log + - COUNT 1, XLEN {E}:log: read together in one transaction.
std::vector<std::vector<std::string>> position_reads(std::string_view event_id);
// Their three replies, in that order.
Read<EventPosition> read_position(const redis::Reply& seq, const redis::Reply& last,
                                  const redis::Reply& length);

// The read of a key of TYPE's `type` whole: GET, HGETALL, SMEMBERS, ZRANGE ... WITHSCORES;
// nullopt for a type an archive does not hold (a stream is paged: stream_range_read).
std::optional<std::vector<std::string>> whole_key_read(std::string_view key, std::string_view type);

}  // namespace rollcall::services::store
