#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "redis/reply.h"
#include "services/store/reply_read.h"

// The one reader of an event log ({E}:log, a stream): the commands that page through it and
// the parse of their replies. The transport is the caller's (the gateway's async link for the
// export route and the venue fold, the tools' blocking session for rollcall-export and the admin
// tools): each asks the pager for the next command, runs it, and hands the reply back.
namespace rollcall::services::store {

// One entry as XRANGE returns it: its id and its field/value pairs, in order.
struct StreamEntry {
  std::string id;  // "MS-SEQ"
  std::vector<std::pair<std::string, std::string>> fields;

  std::string_view get(std::string_view name) const;  // "" when absent
};

// A stream id "MS-SEQ" as its two numbers; nullopt when it is not one.
std::optional<std::pair<std::uint64_t, std::uint64_t>> stream_id_parts(std::string_view id);
// The id right after `id` (to continue an XRANGE; exclusive ranges need Redis 6.2).
std::string next_stream_id(std::string_view id);

// XRANGE key from until COUNT count: any stream of an event (the archive copies each whole).
std::vector<std::string> stream_range_read(std::string_view key, std::string_view from,
                                           std::string_view until, std::size_t count);
// XRANGE {E}:log from until COUNT count (from and until inclusive; "-", "+", "(" ids allowed).
std::vector<std::string> log_range_read(std::string_view event_id, std::string_view from,
                                        std::string_view until, std::size_t count);
// XREVRANGE {E}:log until from COUNT count: newest first.
std::vector<std::string> log_reverse_read(std::string_view event_id, std::string_view until,
                                          std::string_view from, std::size_t count);

// XLEN key: any stream's length (read_count, key_commands.h).
std::vector<std::string> stream_length_read(std::string_view key);
// XLEN {E}:log, answered by an integer (read_integer).
std::vector<std::string> log_length_read(std::string_view event_id);

// An XRANGE/XREVRANGE reply of at most `max` entries, each [id "MS-SEQ", [field, value, ...]],
// else the error (no entry is skipped silently: a page with a bad entry is refused whole).
Read<std::vector<StreamEntry>> read_log_page(const redis::Reply& reply, std::size_t max);

// Pages through the log oldest first up to `until` ("+": all of it), `chunk` entries a read.
class LogPager {
 public:
  explicit LogPager(std::string event_id, std::string until = "+", std::size_t chunk = 1000,
                    std::string from = "-");

  // The next read, or nullopt when the log has been read to its end.
  std::optional<std::vector<std::string>> next() const;
  // The reply of the read next() gave: its entries (and the pager moves past them), or the
  // error (the pager stops).
  Read<std::vector<StreamEntry>> take(const redis::Reply& reply);

 private:
  std::string event_id_;
  std::string until_;
  std::size_t chunk_;
  std::string from_;
  bool done_ = false;
};

// Pages through the log newest first, `chunk` entries a read, from `until` ("+": the newest).
class ReverseLogPager {
 public:
  explicit ReverseLogPager(std::string event_id, std::size_t chunk = 500);

  std::optional<std::vector<std::string>> next() const;
  Read<std::vector<StreamEntry>> take(const redis::Reply& reply);

 private:
  std::string event_id_;
  std::size_t chunk_;
  std::string until_ = "+";
  bool done_ = false;
};

}  // namespace rollcall::services::store
