#include "tools/import/importer.h"

#include <algorithm>
#include <fstream>
#include <unordered_map>
#include <unordered_set>

#include "redis/sync_session.h"
#include "services/registry/badge_validator.h"
#include "services/registry/event_config.h"
#include "services/registry/name_fold.h"
#include "services/registry/person_links.h"
#include "services/store/keys.h"

namespace rollcall::tools::import {

namespace registry = rollcall::services::registry;
namespace store = rollcall::services::store;

namespace {

std::vector<std::string> event_fields(const rollcall::v1::Event& event) {
  return {
      "HSET", store::event_key(event.event_id()), "config", registry::event_to_json(event),
      "days", registry::comma_list(event.days()), "zones",  registry::comma_list(event.zones())};
}

// One badge written unless a desk changed it during the event: a badge replaced at a desk
// (revoked_reason "replaced": its revocation and successor stay), a replacement badge (it
// `replaces` another) and a walk-in (registered_by) are left exactly as the desk made them,
// whatever the file says, so a re-import never revives a lost badge nor rewrites a desk's
// record. Its person link (person_id) changes only while the badge's person has never been seen:
// a badge counted on site or online under one person and then under another would be two
// people. Atomic per badge, so a replacement made while the import runs is never undone.
// Returns 1 when written, 0 when kept as the desk made it, 2 when written but its person kept.
constexpr const char* kWriteBadgeScript = R"lua(
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

std::vector<std::string> badge_write(const std::string& script_sha, const std::string& event_id,
                                     const rollcall::v1::Badge& b) {
  return {"EVALSHA",
          script_sha,
          "1",
          store::badge_key(event_id, b.badge_id()),
          b.badge_id(),
          b.country(),
          b.category(),
          b.name(),
          b.organization(),
          b.revoked() ? "1" : "0",
          b.person_id(),
          store::tag(event_id)};
}

// The venues the event belongs to (rollcall-admin venue create).
std::vector<std::string> venues_of(redis::SyncSession& redis, const std::string& event_id) {
  std::vector<std::string> out;
  const auto venues = redis.query({"SMEMBERS", std::string(store::kVenuesKey)});
  for (const auto& venue : venues.elements) {
    const auto events = redis.command({"HGET", store::venue_key(venue.str), "events"});
    if (events && events->find("," + event_id + ",") != std::string::npos) {
      out.push_back(venue.str);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Person ids of the file already linked in the event's venues: person id -> country, where.
std::unordered_map<std::string, registry::KnownPerson> linked_persons(
    redis::SyncSession& redis, const std::vector<std::string>& venues,
    const std::vector<registry::BadgeRow>& rows) {
  std::vector<std::string> ids;
  for (const auto& row : rows) {
    if (!row.badge.person_id().empty()) ids.push_back(row.badge.person_id());
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::unordered_map<std::string, registry::KnownPerson> known;
  for (const auto& venue : venues) {
    for (std::size_t start = 0; start < ids.size(); start += redis::SyncSession::kBatch) {
      const auto end = std::min(ids.size(), start + redis::SyncSession::kBatch);
      std::vector<std::string> command = {"HMGET", store::venue_persons_key(venue)};
      command.insert(command.end(), ids.begin() + start, ids.begin() + end);
      const auto reply = redis.query(command);
      for (std::size_t i = 0; i < reply.elements.size(); ++i) {
        if (reply.elements[i].type != redis::Reply::Type::string) continue;
        known.try_emplace(ids[start + i],
                          registry::KnownPerson{reply.elements[i].str, "venue " + venue});
      }
    }
  }
  return known;
}

}  // namespace

ImportResult run_import(const ImportOptions& options, std::ostream& diagnostics) {
  const std::string& event_id = options.event_id;
  std::optional<rollcall::v1::Event> from_file;
  if (options.event_file) {
    try {
      from_file = registry::load_event_file(*options.event_file, event_id);
    } catch (const registry::EventConfigError& e) {
      throw ImportError(e.what());
    }
  }

  std::optional<registry::CountryCodes> countries;
  try {
    countries = registry::CountryCodes::load(options.country_codes_path);
  } catch (const std::exception& e) {
    throw ImportError(e.what());
  }

  std::ifstream csv(options.registry_path, std::ios::binary);
  if (!csv) throw ImportError("cannot read registry " + options.registry_path);

  redis::SyncSession redis(options.redis);

  // A shredded event keeps pseudonyms only (docs/privacy.md): a registry imported again would
  // bring back the names and ids the shred removed, as new badges beside their pseudonyms.
  if (const auto shredded = redis.command({"HGET", store::event_key(event_id), "shredded_ms"})) {
    throw ImportError("event " + event_id + " was shredded (its personal data removed at " +
                      *shredded + " ms); importing a registry into it would bring that data back");
  }

  // Without an event file the registry is checked against what the event already is, so that a
  // refined category list is not undone by a plain re-import.
  const auto stored = redis.command({"HGET", store::event_key(event_id), "config"});
  rollcall::v1::Event event;
  if (from_file) {
    event = *from_file;
  } else if (stored) {
    try {
      event = registry::parse_event_json(*stored, event_id);
    } catch (const registry::EventConfigError& e) {
      throw ImportError("event " + event_id + " in redis has an unusable config: " + e.what());
    }
  } else {
    event = registry::default_event(event_id);
  }

  const auto file = registry::read_registry(csv, event, *countries);
  if (csv.bad()) throw ImportError("cannot read registry " + options.registry_path);
  if (file.fatal) {
    diagnostics << file.fatal->message() << '\n';
    throw ImportError(options.registry_path + " cannot be read as a registry (" +
                      file.fatal->message() + "); nothing imported");
  }
  auto badges = file.badges;
  std::size_t matched = 0;
  if (options.match_persons) {
    const auto report = registry::apply_matching_rule(registry::name_folder(), badges);
    for (const auto& note : report.ambiguous) diagnostics << note.message() << '\n';
    matched = report.linked;
  }
  const auto venues = venues_of(redis, event_id);
  auto errors = file.errors;
  const auto conflicts =
      registry::person_link_conflicts(badges, linked_persons(redis, venues, badges));
  if (!conflicts.empty()) {
    std::unordered_set<std::size_t> refused;
    for (const auto& conflict : conflicts) refused.insert(conflict.line);
    std::erase_if(badges, [&](const auto& row) { return refused.contains(row.line); });
    errors.insert(errors.end(), conflicts.begin(), conflicts.end());
    std::sort(errors.begin(), errors.end(),
              [](const auto& a, const auto& b) { return a.line < b.line; });
  }
  for (const auto& error : errors) diagnostics << error.message() << '\n';
  if (!errors.empty() && !options.skip_invalid) {
    throw ImportError(std::to_string(errors.size()) + " invalid row" +
                      (errors.size() == 1 ? "" : "s") + " in " + options.registry_path +
                      "; nothing imported (--skip-invalid imports the valid rows)");
  }

  const auto sha = redis.command({"SCRIPT", "LOAD", kWriteBadgeScript});
  if (!sha) throw ImportError("redis did not load the import script");
  redis.append({"SADD", std::string(store::kEventsKey), event_id});
  if (from_file || !stored) redis.append(event_fields(event));
  redis.flush();
  ImportResult result{0, errors.size(), 0};
  result.matched = matched;
  result.venues = venues;
  for (std::size_t start = 0; start < badges.size(); start += redis::SyncSession::kBatch) {
    const auto end = std::min(badges.size(), start + redis::SyncSession::kBatch);
    std::vector<std::vector<std::string>> commands;
    for (std::size_t i = start; i < end; ++i) {
      const auto& badge = badges[i].badge;
      commands.push_back(badge_write(*sha, event_id, badge));
      // The set of badge ids, so that exports can list the registry without scanning keys.
      commands.push_back({"SADD", store::badges_key(event_id), badge.badge_id()});
    }
    const auto replies = redis.pipeline(commands);
    for (std::size_t i = 0; i < replies.size(); i += 2) {
      const auto& badge = badges[start + i / 2].badge;
      if (replies[i].integer == 0) {
        ++result.kept;
        diagnostics << "badge " << badge.badge_id()
                    << " kept as a desk changed it (replaced or registered at the desk)\n";
        continue;
      }
      ++result.imported;
      if (replies[i].integer == 2) {
        ++result.person_kept;
        diagnostics << "badge " << badge.badge_id()
                    << " keeps its person: it was already seen on site or online as another\n";
      } else if (!badge.person_id().empty()) {
        ++result.linked;
        // Explicit links, for venues made later and for the venues the event is in.
        redis.append({"HSET", store::persons_key(event_id), badge.person_id(), badge.country()});
        for (const auto& venue : venues) {
          redis.append(
              {"HSET", store::venue_persons_key(venue), badge.person_id(), badge.country()});
        }
      }
    }
  }
  redis.flush();
  // Last, so a gateway that sees the new version reads the new rows.
  redis.command({"INCR", store::registry_version_key(event_id)});
  return result;
}

}  // namespace rollcall::tools::import
