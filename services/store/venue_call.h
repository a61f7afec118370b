#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redis/reply.h"
#include "services/store/reply_read.h"

// A venue as rollcall-admin makes it and the importer extends it: its hash ({@V}:venue), its
// place in rollcall:venues and its linked persons ({@V}:persons, person id -> country). Reads of
// its config and members are event_reads.h's (venue_config_read, venue_events_read).
namespace rollcall::services::store {

// HSET {@V}:venue config JSON events ",E1,E2,".
std::vector<std::string> venue_write(std::string_view venue_id, std::string_view config_json,
                                     std::string_view member_list);
// SADD rollcall:venues V: last, so a gateway folds a venue only once it is whole.
std::vector<std::string> venue_register(std::string_view venue_id);
// HSET {@V}:persons PERSON COUNTRY.
std::vector<std::string> venue_person_write(std::string_view venue_id, std::string_view person_id,
                                            std::string_view country);
// HGETALL {@V}:persons (read_hash).
std::vector<std::string> venue_persons_read(std::string_view venue_id);
// HLEN {@V}:persons (read_count).
std::vector<std::string> venue_persons_count_read(std::string_view venue_id);
// HMGET {@V}:persons PERSON...: each person's country, nullopt where the venue has none.
std::vector<std::string> venue_persons_lookup(std::string_view venue_id,
                                              const std::vector<std::string>& person_ids);
Read<std::vector<std::optional<std::string>>> read_venue_persons_lookup(const redis::Reply& reply,
                                                                        std::size_t persons);

}  // namespace rollcall::services::store
