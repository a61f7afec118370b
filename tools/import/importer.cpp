#include "tools/import/importer.h"

#include <algorithm>
#include <fstream>

#include "services/registry/badge_validator.h"
#include "services/registry/event_config.h"
#include "services/store/keys.h"
#include "tools/import/redis_session.h"

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
// (revoked_reason "replaced": its revocation and successor stay), a replacement badge (its
// person is another badge) and a walk-in (registered_by) are left exactly as the desk made them,
// whatever the file says, so a re-import never revives a lost badge nor rewrites a desk's
// record. Atomic per badge, so a replacement made while the import runs is never undone.
// Returns 1 when written, 0 when kept.
constexpr const char* kWriteBadgeScript = R"lua(
local desk = redis.call('HMGET', KEYS[1], 'revoked_reason', 'registered_by', 'person')
if desk[1] == 'replaced' or (desk[2] and desk[2] ~= '') or
    (desk[3] and desk[3] ~= '' and desk[3] ~= ARGV[1]) then
  return 0
end
redis.call('HSET', KEYS[1], 'country', ARGV[2], 'category', ARGV[3], 'name', ARGV[4],
           'organization', ARGV[5], 'revoked', ARGV[6])
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
          b.revoked() ? "1" : "0"};
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

  RedisSession redis(options.redis);

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
  for (const auto& error : file.errors) diagnostics << error.message() << '\n';
  if (!file.errors.empty() && !options.skip_invalid) {
    throw ImportError(std::to_string(file.errors.size()) + " invalid row" +
                      (file.errors.size() == 1 ? "" : "s") + " in " + options.registry_path +
                      "; nothing imported (--skip-invalid imports the valid rows)");
  }

  const auto sha = redis.command({"SCRIPT", "LOAD", kWriteBadgeScript});
  if (!sha) throw ImportError("redis did not load the import script");
  redis.append({"SADD", std::string(store::kEventsKey), event_id});
  if (from_file || !stored) redis.append(event_fields(event));
  redis.flush();
  ImportResult result{0, file.errors.size(), 0};
  for (std::size_t start = 0; start < file.badges.size(); start += RedisSession::kBatch) {
    const auto end = std::min(file.badges.size(), start + RedisSession::kBatch);
    std::vector<std::vector<std::string>> commands;
    for (std::size_t i = start; i < end; ++i) {
      const auto& badge = file.badges[i].badge;
      commands.push_back(badge_write(*sha, event_id, badge));
      // The set of badge ids, so that exports can list the registry without scanning keys.
      commands.push_back({"SADD", store::badges_key(event_id), badge.badge_id()});
    }
    const auto replies = redis.pipeline(commands);
    for (std::size_t i = 0; i < replies.size(); i += 2) {
      if (replies[i].integer == 1) {
        ++result.imported;
      } else {
        ++result.kept;
        diagnostics << "badge " << file.badges[start + i / 2].badge.badge_id()
                    << " kept as a desk changed it (replaced or registered at the desk)\n";
      }
    }
  }
  // Last, so a gateway that sees the new version reads the new rows.
  redis.command({"INCR", store::registry_version_key(event_id)});
  return result;
}

}  // namespace rollcall::tools::import
