#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "redis/reply.h"
#include "services/store/reply_read.h"

// What rollcall-import writes: the event's hash and its place in rollcall:events, each badge
// (through a script that leaves a desk's records alone), the set of badge ids, the explicit
// person links, and last the registry version gateways watch.
namespace rollcall::services::store {

// HSET {E}:event config JSON days ",D1," zones ",Z1,".
std::vector<std::string> event_write(std::string_view event_id, std::string_view config_json,
                                     std::string_view days, std::string_view zones);
// SADD rollcall:events E.
std::vector<std::string> event_register(std::string_view event_id);

// The script that writes one badge unless a desk changed it (services/store/import_call.cpp says
// how), loaded once per import: SCRIPT LOAD, answered by its SHA-1 (40 hex digits).
std::string_view badge_import_script();
std::vector<std::string> badge_import_script_load();
Read<std::string> read_script_sha(const redis::Reply& reply);

struct BadgeImport {
  std::string event_id;
  std::string badge_id;
  std::string country;
  std::string category;
  std::string name;
  std::string organization;
  bool revoked = false;
  std::string person_id;  // "" when the row names none
};
// EVALSHA sha 1 {E}:badge:B ...
std::vector<std::string> badge_import_call(std::string_view script_sha, const BadgeImport& badge);
enum class BadgeImportOutcome {
  kept = 0,         // a desk replaced or registered it: left as the desk made it
  written = 1,      // written
  person_kept = 2,  // written, but its person was seen already and stays
};
Read<BadgeImportOutcome> read_badge_import(const redis::Reply& reply);

// SADD {E}:badges B: the registry's list, so exports need no SCAN.
std::vector<std::string> badge_listed(std::string_view event_id, std::string_view badge_id);
// HSET {E}:persons PERSON COUNTRY: an explicit person link, for venues made later.
std::vector<std::string> person_link_write(std::string_view event_id, std::string_view person_id,
                                           std::string_view country);
// INCR {E}:registry_version: gateways rebuild their index of the registry (read_count).
std::vector<std::string> registry_version_bump(std::string_view event_id);

}  // namespace rollcall::services::store
