#include "services/export/log_entry.h"

#include <charconv>

#include "services/checkin/time_window.h"
#include "services/store/event_log_reader.h"

namespace rollcall::services::exporting {

std::string_view LogEntry::get(std::string_view name) const {
  for (const auto& [key, value] : fields) {
    if (key == name) return value;
  }
  return {};
}

std::int64_t LogEntry::get_int(std::string_view name, std::int64_t fallback) const {
  const auto text = get(name);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return fallback;
  return value;
}

std::int64_t LogEntry::id_ms() const {
  std::int64_t value = 0;
  std::from_chars(id.data(), id.data() + id.size(), value);
  return value;
}

std::int64_t LogEntry::server_ms() const {
  return get_int("server_ms", id_ms());
}

std::optional<std::int64_t> LogEntry::believed_device_ms() const {
  if (get("device_time_ignored") == "1") return std::nullopt;
  const auto server = server_ms();
  const auto device = get_int("device_ms", server);
  if (!checkin::client_time_window({}, server).contains(device)) return std::nullopt;
  return device;
}

bool LogEntry::device_time_ignored() const {
  return !get("device_ms").empty() && !believed_device_ms();
}

std::int64_t LogEntry::presence_ms() const {
  const auto server = server_ms();
  const auto at = get_int("time_ms", server);
  return checkin::client_time_window({}, server).contains(at) ? at : server;
}

std::string next_stream_id(std::string_view id) {
  return services::store::next_stream_id(id);  // the log reader's own rule (services/store)
}

}  // namespace rollcall::services::exporting
