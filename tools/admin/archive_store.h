#pragma once

#include <cstdint>
#include <string>

#include "redis/sync_session.h"
#include "services/archive/archive_format.h"

// Redis side of the event archive (docs/archive.md): reading every archived key of an event in one
// consistent view, and writing an archive back through staging keys renamed into place in one
// transaction. The file format is services/archive.
namespace rollcall::tools::admin {

struct ArchiveSummary {
  v1::ArchiveHeader header;
  std::string sha256;  // hex
  std::uint64_t bytes = 0;
  std::size_t badges = 0;
  int attempts = 0;  // reads it took to see the event hold still
  // Signs that the event was live when read (the archive records them as they were).
  long long online = 0, inside = 0, live_leases = 0;
};

// Writes the archive of every key {EVENT}:* that services::archive::is_archived_key admits to
// `path`, one key at a time (sorted by name), checking before and after that {EVENT}:seq and the
// log's last id and length did not move; writes it again (up to `attempts` times) when they did.
// Throws AdminError when the event never held still.
ArchiveSummary write_archive(redis::SyncSession& redis, const std::string& event_id,
                             const std::string& path, int attempts = 5);

struct RestoreReport {
  std::size_t keys = 0;
  std::size_t removed = 0;  // keys of the replaced event that the archive does not hold
  std::size_t stale_staging = 0;
  long long registry_version = 0;
};

// Whether the event is present: its {EVENT}:event hash, or its id in rollcall:events.
bool event_exists(redis::SyncSession& redis, const std::string& event_id);

// Writes the archive's keys under staging names (in batches), then in one MULTI renames them into
// place, removes the event's other keys (all but tokens and secrets: --replace keeps who may
// connect), sets registry_version above both the archived and the replaced value, and finally adds
// the event to rollcall:events. Throws AdminError; on failure the staging keys are removed and the
// event is as it was before. With replace false, refuses an existing event.
RestoreReport restore_event(redis::SyncSession& redis, const services::archive::Archive& archive,
                            bool replace);

}  // namespace rollcall::tools::admin
