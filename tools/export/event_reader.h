#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "redis/sync_session.h"
#include "rollcall/v1/rollcall.pb.h"
#include "services/export/log_entry.h"

namespace rollcall::tools::exporting {

// What an export reads from Redis, with the synchronous session the importer uses (a
// command-line tool has no event loop to keep responsive). Failures throw std::runtime_error
// with a one-line reason.
class EventReader {
 public:
  EventReader(redis::SyncSession& redis, std::string event_id);

  // The stored event config; throws when the event does not exist.
  rollcall::v1::Event event();
  // Every registered badge, in badge id order. Reads the set {EVENT}:badges that the importer
  // keeps, or, for events imported before it did, the badge keys found by SCAN.
  std::vector<rollcall::v1::Badge> registry();
  // The live counters and the id of the last log entry they include, read in one MULTI so
  // that a recount up to that entry compares like with like while desks keep scanning.
  struct CounterSnapshot {
    std::map<std::string, std::int64_t> counters;
    std::string last_id;  // "" when the log is empty
  };
  CounterSnapshot counters();
  std::size_t log_length();
  // The log, oldest first, up to `until` (inclusive; "+" for all of it), `chunk` entries per
  // XRANGE so that memory stays flat.
  void read_log(const std::function<void(const std::vector<services::exporting::LogEntry>&)>& each,
                const std::string& until = "+", std::size_t chunk = 1000);

 private:
  redis::SyncSession& redis_;
  std::string event_id_;
};

// The entries of an XRANGE reply (services/store/event_log_reader.h); throws on any other shape.
std::vector<services::exporting::LogEntry> log_entries(const redis::Reply& reply);

}  // namespace rollcall::tools::exporting
