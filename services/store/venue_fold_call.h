#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "redis/reply.h"
#include "services/store/reply_read.h"

// FCALL rollcall_venue_fold (services/store/rollcall.lua venue_fold): a batch of one member
// event's log entries folded into its venue's figures, and the reads the fold needs (the
// venue's member list, its cursor per event, the facts of the badges the entries name).
// services/venue turns log entries into items; gateway/venue_folder runs the loop.
namespace rollcall::services::store {

// One item of the fold, in the Function's argument order.
struct VenueFoldItem {
  std::string id;
  std::string type;         // scan | join | leave | reset_inside | other
  std::string person;       // the event person (see services/venue/fold_items.h fold_item)
  std::string participant;  // join/leave: participant_id
  std::string country;
  std::string category;
  std::string day;
  std::string status;
  std::string direction;
  std::string count;
  std::string server_ms;
};
inline constexpr std::size_t kVenueFoldItemArgs = 11;

// FCALL rollcall_venue_fold 1 {@V} event_id after_id item...
std::vector<std::string> venue_fold_call(std::string_view venue_id, std::string_view event_id,
                                         std::string_view after_id,
                                         const std::vector<VenueFoldItem>& items);

struct VenueFoldReply {
  std::string status;  // ok | not_member | gap | malformed
  std::int64_t folded = 0;
  std::string cursor;
  std::int64_t seq = 0;
};
// {status, folded, cursor, seq} with a known status and non-negative numbers, else the error.
Read<VenueFoldReply> read_venue_fold_reply(const redis::Reply& reply);

// HGET {@V}:cursor E: the last entry of E folded, "0-0" (kNoFoldCursor) when none yet.
inline constexpr std::string_view kNoFoldCursor = "0-0";
std::vector<std::string> fold_cursor_read(std::string_view venue_id, std::string_view event_id);
Read<std::string> read_fold_cursor(const redis::Reply& reply);

// HMGET {E}:badge:B country category person: what the venue needs of a badge.
struct VenueBadgeFacts {
  std::string country;
  std::string category;
  std::string person;  // "" when the badge names none
};
std::vector<std::string> badge_facts_read(std::string_view event_id, std::string_view badge_id);
// Three fields, each text or nil (a field or badge that is not there reads as "").
Read<VenueBadgeFacts> read_badge_facts(const redis::Reply& reply);

}  // namespace rollcall::services::store
