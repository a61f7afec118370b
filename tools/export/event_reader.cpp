#include "tools/export/event_reader.h"

#include <algorithm>
#include <stdexcept>

#include "services/registry/event_config.h"
#include "services/store/event_log_reader.h"
#include "services/store/event_reads.h"
#include "services/store/registry_reader.h"
#include "services/store/transaction.h"
#include "tools/export/function_call.h"

namespace rollcall::tools::exporting {
namespace {

namespace store = services::store;
using services::exporting::LogEntry;

// The value of a store read, or the runtime_error the tools report: what was read and why not.
template <class T>
T value_of(store::Read<T> read, std::string_view what) {
  if (!read) throw std::runtime_error(std::string(what) + ": " + read.error.cause);
  return std::move(*read.value);
}

std::vector<LogEntry> exported(std::vector<store::StreamEntry> page) {
  std::vector<LogEntry> entries;
  entries.reserve(page.size());
  for (auto& entry : page) {
    entries.push_back({.id = std::move(entry.id), .fields = std::move(entry.fields)});
  }
  return entries;
}

}  // namespace

EventReader::EventReader(redis::SyncSession& redis, std::string event_id)
    : redis_(redis), event_id_(std::move(event_id)) {}

v1::Event EventReader::event() {
  if (!value_of(store::read_exists(redis_.query(store::event_exists_read(event_id_))),
                "the event")) {
    throw std::runtime_error("no event named \"" + event_id_ + "\"");
  }
  const auto config = value_of(store::read_field(redis_.query(store::event_config_read(event_id_))),
                               "the event config");
  if (!config) return services::registry::default_event(event_id_);
  try {
    // The gateway's reader of a stored config (services/registry/event_config.h).
    return services::registry::parse_stored_event(*config, event_id_);
  } catch (const services::registry::EventConfigError& e) {
    throw std::runtime_error("event " + event_id_ + " has an unusable config: " + e.what());
  }
}

std::vector<v1::Badge> EventReader::registry() {
  // The one registry read (services/store/registry_reader.h), as the gateway's export route.
  auto badges = value_of(
      store::read_registry(call_function(redis_, store::registry_read(event_id_))), "the registry");
  if (!badges.empty()) return badges;
  // Events imported before the set {EVENT}:badges was kept: the badge keys found by SCAN.
  std::vector<std::string> ids;
  std::string cursor = "0";
  do {
    auto page = value_of(
        store::read_badge_scan(event_id_, redis_.query(store::badge_scan_read(event_id_, cursor))),
        "the badge keys");
    cursor = std::move(page.cursor);
    for (auto& id : page.badge_ids) ids.push_back(std::move(id));
  } while (cursor != "0");
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  constexpr std::size_t kBatch = 1000;
  for (std::size_t start = 0; start < ids.size(); start += kBatch) {
    const auto end = std::min(ids.size(), start + kBatch);
    std::vector<std::vector<std::string>> commands;
    for (std::size_t i = start; i < end; ++i) {
      commands.push_back(store::badge_record_read(event_id_, ids[i]));
    }
    const auto replies = redis_.pipeline(commands);
    for (std::size_t i = start; i < end; ++i) {
      auto badge = value_of(store::read_badge_record(ids[i], replies[i - start]), "a badge");
      if (badge) badges.push_back(std::move(*badge));  // else listed but deleted since
    }
  }
  return badges;
}

EventReader::CounterSnapshot EventReader::counters() {
  const auto results = value_of(
      store::read_transaction(
          redis_.pipeline(store::transaction(
              {store::counters_read(event_id_), store::log_reverse_read(event_id_, "+", "-", 1)})),
          2),
      "the counters");
  if (!results) throw std::runtime_error("the counters could not be read");
  CounterSnapshot snapshot;
  for (const auto& [name, value] : value_of(store::read_hash((*results)[0]), "the counters")) {
    const auto number = store::to_int64(value);
    if (!number) {
      throw std::runtime_error("the counter \"" + store::bounded_text(name) + "\" is \"" +
                               store::bounded_text(value) + "\", not a whole number");
    }
    snapshot.counters[name] = *number;
  }
  const auto last = value_of(store::read_log_page((*results)[1], 1), "the last log entry");
  if (!last.empty()) snapshot.last_id = last.front().id;
  return snapshot;
}

std::size_t EventReader::log_length() {
  const auto length = value_of(
      store::read_integer(redis_.query(store::log_length_read(event_id_)), "XLEN's integer"),
      "the log's length");
  return static_cast<std::size_t>(std::max<std::int64_t>(0, length));
}

void EventReader::read_log(const std::function<void(const std::vector<LogEntry>&)>& each,
                           const std::string& until, std::size_t chunk) {
  // The one log reader (services/store/event_log_reader.h), as the gateway's export route.
  store::LogPager pager(event_id_, until, chunk);
  while (const auto args = pager.next()) {
    auto entries = exported(value_of(pager.take(redis_.query(*args)), "the event log"));
    if (!entries.empty()) each(entries);
  }
}

std::vector<LogEntry> log_entries(const redis::Reply& reply) {
  return exported(value_of(store::read_log_page(reply, store::kMaxElements), "the event log"));
}

}  // namespace rollcall::tools::exporting
