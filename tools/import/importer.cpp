#include "tools/import/importer.h"

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

std::vector<std::string> badge_fields(const std::string& event_id, const rollcall::v1::Badge& b) {
  return {"HSET",         store::badge_key(event_id, b.badge_id()),
          "country",      b.country(),
          "category",     b.category(),
          "name",         b.name(),
          "organization", b.organization(),
          "revoked",      b.revoked() ? "1" : "0"};
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

  redis.append({"SADD", std::string(store::kEventsKey), event_id});
  if (from_file || !stored) redis.append(event_fields(event));
  for (const auto& row : file.badges) {
    redis.append(badge_fields(event_id, row.badge));
    // The set of badge ids, so that exports can list the registry without scanning keys.
    redis.append({"SADD", store::badges_key(event_id), row.badge.badge_id()});
  }
  // Last, so a gateway that sees the new version reads the new rows.
  redis.append({"INCR", store::registry_version_key(event_id)});
  redis.flush();
  return {file.badges.size(), file.errors.size()};
}

}  // namespace rollcall::tools::import
