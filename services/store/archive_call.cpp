#include "services/store/archive_call.h"

#include "services/store/event_log_reader.h"
#include "services/store/event_reads.h"
#include "services/store/key_commands.h"

namespace rollcall::services::store {

std::vector<std::vector<std::string>> position_reads(std::string_view event_id) {
  return {seq_read(event_id), log_reverse_read(event_id, "+", "-", 1), log_length_read(event_id)};
}

Read<EventPosition> read_position(const redis::Reply& seq, const redis::Reply& last,
                                  const redis::Reply& length) {
  using R = Read<EventPosition>;
  auto seq_text = read_text(seq);
  if (!seq_text) return R::fail(std::move(seq_text.error));
  auto entries = read_log_page(last, 1);
  if (!entries) return R::fail(std::move(entries.error));
  auto count = read_count(length);
  if (!count) return R::fail(std::move(count.error));
  EventPosition at{.seq = std::move(*seq_text), .log_length = *count};
  if (!entries->empty()) at.last_id = entries->front().id;
  return R::ok(std::move(at));
}

std::optional<std::vector<std::string>> whole_key_read(std::string_view key,
                                                       std::string_view type) {
  if (type == "string") return string_read(key);
  if (type == "hash") return hash_read(key);
  if (type == "set") return set_read(key);
  if (type == "zset") return sorted_set_read(key);
  return std::nullopt;
}

}  // namespace rollcall::services::store
