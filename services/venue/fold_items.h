#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Turning a member event's log into items of rollcall_venue_fold (services/store/rollcall.lua):
// what the venue needs of each entry, the badge facts the log does not carry, the command and
// its reply. The gateway's loop (gateway/venue_folder.cpp) does the I/O.
namespace rollcall::services::venue {

// How many log entries one fold call takes at most.
inline constexpr std::size_t kFoldBatch = 500;

// One entry of an event log ({E}:log), as XRANGE returns it.
struct LogRecord {
  std::string id;  // "MS-SEQ"
  std::vector<std::pair<std::string, std::string>> fields;

  std::string_view get(std::string_view name) const;  // "" when absent
};

// What the venue needs of a badge (HMGET {E}:badge:B country category person).
struct BadgeFacts {
  std::string country;
  std::string category;
  std::string person;  // "" when the badge names none
};
inline constexpr std::string_view kBadgeFactFields[] = {"country", "category", "person"};

// One item of the fold, in the Function's argument order.
struct FoldItem {
  std::string id;
  std::string type;         // scan | join | leave | reset_inside | other
  std::string person;       // the event person (see fold_item)
  std::string participant;  // join/leave: participant_id
  std::string country;
  std::string category;
  std::string day;
  std::string status;
  std::string direction;
  std::string count;
  std::string server_ms;
};
inline constexpr std::size_t kFoldItemFields = 11;

// The badges whose facts fold_item needs for these entries (scans that were not refused: their
// country and category; joins and leaves naming a badge: its person), each once, in order.
std::vector<std::string> badges_needed(const std::vector<LogRecord>& entries);

// The item of one entry. Scan: person = the entry's `person` (written when the badge's person is
// not the badge itself), else the badge id, exactly as the event keyed its state; country and
// category from the badge. Refused scans and entries of no interest become "other" (they only
// move the cursor). Join/leave: person = the badge's `person`, else the badge id, else
// "~participant_id"; country and category as logged. `badges`: facts by badge id (a badge not
// found there has no country, category or person).
FoldItem fold_item(const LogRecord& entry, const std::map<std::string, BadgeFacts>& badges);

// XRANGE {E}:log (after_id + COUNT kFoldBatch: the entries after the cursor.
std::vector<std::string> log_read_command(std::string_view event_id, std::string_view after_id);

// FCALL rollcall_venue_fold 1 {@V} event_id after_id item...
std::vector<std::string> fold_command(std::string_view venue_id, std::string_view event_id,
                                      std::string_view after_id,
                                      const std::vector<FoldItem>& items);

// HGET {@V}:cursor E, with "0-0" meaning nothing folded yet.
inline constexpr std::string_view kNoCursor = "0-0";

struct FoldReply {
  std::string status;  // ok | not_member | gap | malformed
  std::int64_t folded = 0;
  std::string cursor;
  std::int64_t seq = 0;
};

// The Function's reply (its four elements as text); nullopt when it has another shape.
std::optional<FoldReply> parse_fold_reply(const std::vector<std::string>& elements);

// Whether stream id a comes after b ("MS-SEQ"; anything unparsable is "0-0").
bool stream_id_after(std::string_view a, std::string_view b);

}  // namespace rollcall::services::venue
