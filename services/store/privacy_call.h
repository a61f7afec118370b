#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "redis/reply.h"
#include "services/store/reply_read.h"

// Personal data after the event (docs/privacy.md), as rollcall-admin shred and person erase
// store it: the event's shred and erasure marks, the erased persons' marks, the rewritten log
// built beside the old one, and FCALL rollcall_privacy_swap, the last atomic step. The records
// rewritten are walked with key_commands.h; what is personal is services/privacy's.
namespace rollcall::services::store {

// HGET {E}:event shredded_ms: when the event was shredded (read_field: nil, never).
std::vector<std::string> shredded_read(std::string_view event_id);
// HSET {E}:event shredded_ms MS / erased_ms MS: the marks a shred and an erasure leave.
std::vector<std::string> shredded_write(std::string_view event_id, std::int64_t ms);
std::vector<std::string> erased_write(std::string_view event_id, std::int64_t ms);
// The pseudonym key of a shred while it runs (so an interrupted run finishes with the same
// pseudonyms): HGET, HSETNX (whoever races first wins), HDEL in the last step.
std::vector<std::string> shred_key_read(std::string_view event_id);
std::vector<std::string> shred_key_create(std::string_view event_id, std::string_view key_hex);
std::vector<std::string> shred_key_delete(std::string_view event_id);

// SADD {E}:erased MARK... / SISMEMBER {E}:erased MARK (read_exists).
std::vector<std::string> erased_marks_add(std::string_view event_id,
                                          const std::vector<std::string>& marks);
std::vector<std::string> erased_mark_read(std::string_view event_id, std::string_view mark);

// DEL {E}:log_rewrite, then XADD {E}:log_rewrite ID field value...: the rewritten log, entry
// by entry with the ids the log had.
std::vector<std::string> log_rewrite_clear(std::string_view event_id);
std::vector<std::string> log_rewrite_add(
    std::string_view event_id, std::string_view entry_id,
    const std::vector<std::pair<std::string, std::string>>& fields);

// FCALL rollcall_privacy_swap 1 {E} after n_ids id... n_texts text... [n word...]...
struct PrivacySwapCall {
  std::string event_id;
  std::string after_id;            // the last entry the rewrite holds ("": none)
  std::vector<std::string> ids;    // no entry after after_id may name them ("*": any)
  std::vector<std::string> texts;  // nor hold them (lowercase) in a note
  std::vector<std::vector<std::string>> commands;  // the last step's writes, this event's keys
};
std::vector<std::string> privacy_swap_call(const PrivacySwapCall& call);
// {"swapped", copied} or {"retry", first id naming someone}.
struct PrivacySwapReply {
  bool swapped = false;
  std::int64_t copied = 0;  // swapped: entries copied as they were
  std::string retry_from;   // not swapped: the first entry that names someone
};
Read<PrivacySwapReply> read_privacy_swap(const redis::Reply& reply);

}  // namespace rollcall::services::store
