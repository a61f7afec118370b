#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rollcall/v1/rollcall.pb.h"
#include "tools/loadgen/day_mapping.h"

namespace rollcall::tools::loadgen {

// One line of timeline.jsonl, ready to send.
struct TimelineItem {
  std::int64_t t_ms = 0;
  bool is_scan = true;
  std::uint32_t link = 0;   // index into Timeline::desks or Timeline::bridges
  std::uint32_t index = 0;  // index into Timeline::scans or Timeline::presence
};

// A timeline written by rollcall-scenario (format: docs/scenario.md), parsed once up front so
// that replaying costs no parsing.
struct Timeline {
  std::string scenario;
  std::string event_id;
  std::string time_zone;
  std::vector<std::string> days;
  std::vector<std::string> desks;
  std::vector<std::string> bridges;
  std::vector<rollcall::v1::ScanRequest> scans;
  std::vector<rollcall::v1::PresenceEvent> presence;
  std::vector<TimelineItem> items;  // in file (= time) order
};

// Reads the file; device and presence times are re-dated so that the event's last day falls on
// `last_day` (YYYY-MM-DD; empty: unchanged). Throws std::runtime_error naming the line at fault.
Timeline load_timeline(const std::string& path, const std::string& last_day);

// Only the header line (scenario, event_id, time_zone, days); items stay empty.
Timeline load_timeline_header(const std::string& path);

}  // namespace rollcall::tools::loadgen
