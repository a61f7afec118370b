#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "services/store/event_log_reader.h"
#include "services/store/venue_fold_call.h"

// Turning a member event's log into items of rollcall_venue_fold (services/store/rollcall.lua):
// what the venue needs of each entry and the badge facts the log does not carry. The command and
// its reply are the store's (services/store/venue_fold_call.h). The gateway's loop
// (gateway/venue_folder.cpp) does the I/O.
namespace rollcall::services::venue {

// How many log entries one fold call takes at most.
inline constexpr std::size_t kFoldBatch = 500;

// One entry of an event log ({E}:log), as the store's log reader gives it.
using LogRecord = store::StreamEntry;

// What the venue needs of a badge (services/store/venue_fold_call.h badge_facts_read).
using BadgeFacts = store::VenueBadgeFacts;

// One item of the fold, in the Function's argument order (services/store/venue_fold_call.h).
using FoldItem = store::VenueFoldItem;
inline constexpr std::size_t kFoldItemFields = store::kVenueFoldItemArgs;

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

// The Function's reply and its cursor: services/store/venue_fold_call.h.
using FoldReply = store::VenueFoldReply;
inline constexpr std::string_view kNoCursor = store::kNoFoldCursor;

// Whether stream id a comes after b ("MS-SEQ"; anything unparsable is "0-0").
bool stream_id_after(std::string_view a, std::string_view b);

}  // namespace rollcall::services::venue
