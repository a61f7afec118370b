#include "services/store/import_call.h"

#include "services/store/key_commands.h"
#include "services/store/keys.h"

namespace rollcall::services::store {
namespace {

// One badge written unless a desk changed it during the event: a badge replaced at a desk
// (revoked_reason "replaced": its revocation and successor stay), a replacement badge (it
// `replaces` another) and a walk-in (registered_by) are left exactly as the desk made them,
// whatever the file says, so a re-import never revives a lost badge nor rewrites a desk's
// record. Its person link (person_id) changes only while the badge's person has never been seen:
// a badge counted on site or online under one person and then under another would be two
// people. Atomic per badge, so a replacement made while the import runs is never undone.
// Returns 1 when written, 0 when kept as the desk made it, 2 when written but its person kept.
constexpr std::string_view kWriteBadgeScript = R"lua(
local desk = redis.call('HMGET', KEYS[1], 'revoked_reason', 'registered_by', 'replaces', 'person')
if desk[1] == 'replaced' or (desk[2] and desk[2] ~= '') or (desk[3] and desk[3] ~= '') then
  return 0
end
redis.call('HSET', KEYS[1], 'country', ARGV[2], 'category', ARGV[3], 'name', ARGV[4],
           'organization', ARGV[5], 'revoked', ARGV[6])
local tag, old = ARGV[8], desk[4] or ARGV[1]
local new = ARGV[7] ~= '' and ARGV[7] or ARGV[1]
if old == new then return 1 end
if redis.call('SISMEMBER', tag .. ':onsite', old) == 1 or
    redis.call('SISMEMBER', tag .. ':remote_badges', old) == 1 or
    redis.call('EXISTS', tag .. ':state:' .. old) == 1 then
  return 2
end
if ARGV[7] ~= '' then
  redis.call('HSET', KEYS[1], 'person', ARGV[7])
else
  redis.call('HDEL', KEYS[1], 'person')
end
return 1
)lua";

}  // namespace

std::vector<std::string> event_write(std::string_view event_id, std::string_view config_json,
                                     std::string_view days, std::string_view zones) {
  return hash_write(event_key(event_id), {{"config", std::string(config_json)},
                                          {"days", std::string(days)},
                                          {"zones", std::string(zones)}});
}

std::vector<std::string> event_register(std::string_view event_id) {
  return set_add(kEventsKey, {std::string(event_id)});
}

std::string_view badge_import_script() {
  return kWriteBadgeScript;
}

std::vector<std::string> badge_import_script_load() {
  return {"SCRIPT", "LOAD", std::string(kWriteBadgeScript)};
}

Read<std::string> read_script_sha(const redis::Reply& reply) {
  const bool sha =
      (reply.type == redis::Reply::Type::string || reply.type == redis::Reply::Type::status) &&
      reply.str.size() == 40 &&
      reply.str.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (!sha) return Read<std::string>::fail(unexpected(reply, "a script's SHA-1 (40 hex digits)"));
  return Read<std::string>::ok(reply.str);
}

std::vector<std::string> badge_import_call(std::string_view script_sha, const BadgeImport& b) {
  return {"EVALSHA",
          std::string(script_sha),
          "1",
          badge_key(b.event_id, b.badge_id),
          b.badge_id,
          b.country,
          b.category,
          b.name,
          b.organization,
          b.revoked ? "1" : "0",
          b.person_id,
          tag(b.event_id)};
}

Read<BadgeImportOutcome> read_badge_import(const redis::Reply& reply) {
  if (reply.type != redis::Reply::Type::integer || reply.integer < 0 || reply.integer > 2) {
    return Read<BadgeImportOutcome>::fail(unexpected(reply, "0, 1 or 2"));
  }
  return Read<BadgeImportOutcome>::ok(static_cast<BadgeImportOutcome>(reply.integer));
}

std::vector<std::string> badge_listed(std::string_view event_id, std::string_view badge_id) {
  return set_add(badges_key(event_id), {std::string(badge_id)});
}

std::vector<std::string> person_link_write(std::string_view event_id, std::string_view person_id,
                                           std::string_view country) {
  return hash_field_write(persons_key(event_id), person_id, country);
}

std::vector<std::string> registry_version_bump(std::string_view event_id) {
  return counter_raise(registry_version_key(event_id));
}

}  // namespace rollcall::services::store
