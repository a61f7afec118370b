#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rollcall::services::exporting {

// One entry of the event log (the Redis stream {EVENT}:log): its stream id and its fields, as
// the Redis Functions wrote them (services/store/rollcall.lua). Every value is a string.
struct LogEntry {
  std::string id;  // "MS-SEQ"
  std::vector<std::pair<std::string, std::string>> fields;

  // The value of `name`, or "" when the entry has no such field.
  std::string_view get(std::string_view name) const;
  // The value of `name` as an integer; `fallback` when absent or not a number.
  std::int64_t get_int(std::string_view name, std::int64_t fallback = 0) const;
  // The milliseconds part of the stream id (when Redis appended the entry).
  std::int64_t id_ms() const;

  // When the server handled it: server_ms, else the stream id's time.
  std::int64_t server_ms() const;
  // When a scan was made by the desk's clock, if the gateway believed that clock: not flagged
  // device_time_ignored and (for entries written before the flag) within the replay bounds of
  // its server time. nullopt otherwise, also for absurd times an old log or a hand edit holds.
  std::optional<std::int64_t> believed_device_ms() const;
  // Whether the scan carried a device time that was not believed.
  bool device_time_ignored() const;
  // When a join or leave happened: the sender's time_ms within the replay bounds of its server
  // time, else the server's time.
  std::int64_t presence_ms() const;
};

// The id to continue an XRANGE after `id` (exclusive ranges need Redis 6.2; this works on any).
std::string next_stream_id(std::string_view id);

}  // namespace rollcall::services::exporting
