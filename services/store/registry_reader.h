#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redis/reply.h"
#include "rollcall/v1/rollcall.pb.h"
#include "services/store/reply_read.h"

// The one reader of an event's registry (the badges the importer and the desks wrote: the set
// {E}:badges and one hash {E}:badge:B each). The gateway's export route and desk sync and the
// rollcall-export tool send the same command and parse its reply here.
namespace rollcall::services::store {

// The badge hash fields a registry read returns, in this order.
inline constexpr std::string_view kBadgeRecordFields[] = {
    "country", "category",       "name",        "organization", "revoked",
    "person",  "revoked_reason", "replaced_by", "registered_by"};
inline constexpr std::size_t kBadgeRecordFieldCount = std::size(kBadgeRecordFields);

// Every badge in one round trip: FCALL rollcall_registry 1 {E} FIELD... (the rows SORT ... GET
// would give, which Redis Cluster refuses).
std::vector<std::string> registry_read(std::string_view event_id);
// Its reply: the badges sorted by id (a badge listed but deleted since, its category nil, is
// left out), else the error.
Read<std::vector<v1::Badge>> read_registry(const redis::Reply& reply);

// One badge's record, for events imported before the set existed: HMGET {E}:badge:B FIELD...
std::vector<std::string> badge_record_read(std::string_view event_id, std::string_view badge_id);
// Its reply: the badge, nullopt when there is none (no category), else the error.
Read<std::optional<v1::Badge>> read_badge_record(std::string_view badge_id,
                                                 const redis::Reply& reply);

// The badge keys of the event, a page at a time (SCAN cursor MATCH {E}:badge:* COUNT 1000),
// for events imported before the set existed; cursor "0" starts and ends.
std::vector<std::string> badge_scan_read(std::string_view event_id, std::string_view cursor);
struct BadgeScanPage {
  std::string cursor;
  std::vector<std::string> badge_ids;
};
Read<BadgeScanPage> read_badge_scan(std::string_view event_id, const redis::Reply& reply);

// How many badges are registered and not revoked: FCALL rollcall_registry 1 {E} revoked.
std::vector<std::string> registered_count_read(std::string_view event_id);
Read<int> read_registered_count(const redis::Reply& reply);

}  // namespace rollcall::services::store
