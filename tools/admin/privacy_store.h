#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "redis/sync_session.h"
#include "services/privacy/record_rewrite.h"

// Personal data after the event, against Redis (docs/privacy.md): shredding an event, and one
// person's data (export for an access request, erasure). The rules of what is personal and how
// it is rewritten are services/privacy; this file finds the records and swaps them in.
namespace rollcall::tools::admin {

struct ShredRequest {
  bool force = false;    // before the event's end
  bool dry_run = false;  // count only, change nothing
  std::int64_t now_ms = 0;
};

struct ShredReport {
  enum class Outcome { shredded, already_shredded, dry_run };
  Outcome outcome = Outcome::shredded;
  std::int64_t shredded_ms = 0;  // when it ran (this time or the earlier one)
  bool resumed = false;          // an interrupted run was finished with its key
  services::privacy::Tally tally;
  // Venues the event belongs to, with how many venue-wide person ids each keeps (left alone).
  std::vector<std::pair<std::string, long long>> venue_persons;
};

// Throws AdminError when the event has not ended (and !force) or cannot be read.
ShredReport shred_event(redis::SyncSession& redis, const std::string& event_id,
                        const ShredRequest& request);

// Which person: by one of their badges, their person id, or an online participant id.
struct PersonSelector {
  std::string badge_id, person_id, participant_id;
};

// Everything stored about the person as one JSON document. Throws AdminError for an unknown or
// already erased person (the message says which) and on a shredded event.
std::string export_person(redis::SyncSession& redis, const std::string& event_id,
                          const PersonSelector& who, std::int64_t now_ms);

struct ErasureReport {
  bool already_erased = false;
  std::string person;  // the id as it was (printed to the operator once, then gone)
  std::size_t badges = 0, participants = 0, attempts = 0;
  services::privacy::Tally tally;
};

// Erases one person as a shred does for everyone, in one transaction (with the log's swap).
// Throws AdminError for an unknown person and on a shredded event.
ErasureReport erase_person(redis::SyncSession& redis, const std::string& event_id,
                           const PersonSelector& who, std::int64_t now_ms);

}  // namespace rollcall::tools::admin
