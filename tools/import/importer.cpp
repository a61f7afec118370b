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
#include "services/store/event_reads.h"
#include "services/store/import_call.h"
#include "services/store/keys.h"
#include "services/store/privacy_call.h"
#include "services/store/venue_call.h"

namespace rollcall::tools::import {

namespace registry = rollcall::services::registry;
namespace store = rollcall::services::store;

namespace {

// The value of a store read (services/store), or ImportError naming what was read and why not.
template <class T>
T stored(store::Read<T> read, const std::string& what) {
  if (!read) throw ImportError(what + " in redis is unreadable: " + read.error.cause);
  return std::move(*read.value);
}

// The venues the event belongs to (rollcall-admin venue create).
std::vector<std::string> venues_of(redis::SyncSession& redis, const std::string& event_id) {
  std::vector<std::string> out;
  for (auto& venue :
       stored(store::read_members(redis.query(store::venue_ids_read())), "the venues")) {
    const auto events = stored(store::read_field(redis.query(store::venue_events_read(venue))),
                               "the events of venue " + venue);
    if (events && events->find("," + event_id + ",") != std::string::npos) {
      out.push_back(std::move(venue));
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
      const std::vector<std::string> asked(ids.begin() + start, ids.begin() + end);
      const auto countries =
          stored(store::read_venue_persons_lookup(
                     redis.query(store::venue_persons_lookup(venue, asked)), asked.size()),
                 "the persons of venue " + venue);
      for (std::size_t i = 0; i < countries.size(); ++i) {
        if (!countries[i]) continue;
        known.try_emplace(asked[i], registry::KnownPerson{*countries[i], "venue " + venue});
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
  if (const auto shredded = stored(store::read_field(redis.query(store::shredded_read(event_id))),
                                   "the shred mark")) {
    throw ImportError("event " + event_id + " was shredded (its personal data removed at " +
                      *shredded + " ms); importing a registry into it would bring that data back");
  }

  // Without an event file the registry is checked against what the event already is, so that a
  // refined category list is not undone by a plain re-import.
  const auto stored_config = stored(
      store::read_field(redis.query(store::event_config_read(event_id))), "the event config");
  rollcall::v1::Event event;
  if (from_file) {
    event = *from_file;
  } else if (stored_config) {
    try {
      event = registry::parse_event_json(*stored_config, event_id);
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

  const auto sha = store::read_script_sha(redis.on_every_node(store::badge_import_script_load()));
  if (!sha) throw ImportError("redis did not load the import script: " + sha.error.cause);
  redis.append(store::event_register(event_id));
  if (from_file || !stored_config) {
    redis.append(store::event_write(event_id, registry::event_to_json(event),
                                    registry::comma_list(event.days()),
                                    registry::comma_list(event.zones())));
  }
  redis.flush();
  ImportResult result{0, errors.size(), 0};
  result.matched = matched;
  result.venues = venues;
  for (std::size_t start = 0; start < badges.size(); start += redis::SyncSession::kBatch) {
    const auto end = std::min(badges.size(), start + redis::SyncSession::kBatch);
    std::vector<std::vector<std::string>> commands;
    for (std::size_t i = start; i < end; ++i) {
      const auto& badge = badges[i].badge;
      commands.push_back(store::badge_import_call(*sha, {.event_id = event_id,
                                                         .badge_id = badge.badge_id(),
                                                         .country = badge.country(),
                                                         .category = badge.category(),
                                                         .name = badge.name(),
                                                         .organization = badge.organization(),
                                                         .revoked = badge.revoked(),
                                                         .person_id = badge.person_id()}));
      // The set of badge ids, so that exports can list the registry without scanning keys.
      commands.push_back(store::badge_listed(event_id, badge.badge_id()));
    }
    const auto replies = redis.pipeline(commands);
    for (std::size_t i = 0; i < replies.size(); i += 2) {
      const auto& badge = badges[start + i / 2].badge;
      const auto outcome =
          stored(store::read_badge_import(replies[i]), "the import of badge " + badge.badge_id());
      if (outcome == store::BadgeImportOutcome::kept) {
        ++result.kept;
        diagnostics << "badge " << badge.badge_id()
                    << " kept as a desk changed it (replaced or registered at the desk)\n";
        continue;
      }
      ++result.imported;
      if (outcome == store::BadgeImportOutcome::person_kept) {
        ++result.person_kept;
        diagnostics << "badge " << badge.badge_id()
                    << " keeps its person: it was already seen on site or online as another\n";
      } else if (!badge.person_id().empty()) {
        ++result.linked;
        // Explicit links, for venues made later and for the venues the event is in.
        redis.append(store::person_link_write(event_id, badge.person_id(), badge.country()));
        for (const auto& venue : venues) {
          redis.append(store::venue_person_write(venue, badge.person_id(), badge.country()));
        }
      }
    }
  }
  redis.flush();
  // Last, so a gateway that sees the new version reads the new rows.
  redis.query(store::registry_version_bump(event_id));
  return result;
}

}  // namespace rollcall::tools::import
