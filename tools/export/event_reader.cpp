#include "tools/export/event_reader.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "services/registry/event_config.h"
#include "services/store/keys.h"

namespace rollcall::tools::exporting {
namespace {

namespace store = services::store;
using redis::Reply;
using services::exporting::LogEntry;

const std::string& text(const redis::Reply& value) {
  return value.str;
}

}  // namespace

EventReader::EventReader(redis::SyncSession& redis, std::string event_id)
    : redis_(redis), event_id_(std::move(event_id)) {}

v1::Event EventReader::event() {
  const auto key = store::event_key(event_id_);
  if (redis_.command({"EXISTS", key}) != "1") {
    throw std::runtime_error("no event named \"" + event_id_ + "\"");
  }
  const auto config = redis_.command({"HGET", key, "config"});
  if (!config) return services::registry::default_event(event_id_);
  try {
    return services::registry::parse_event_json(*config, event_id_);
  } catch (const services::registry::EventConfigError& e) {
    throw std::runtime_error("event " + event_id_ + " has an unusable config: " + e.what());
  }
}

std::vector<std::string> EventReader::badge_ids() {
  const auto set_key = store::badges_key(event_id_);
  std::vector<std::string> ids;
  const auto members = redis_.query({"SMEMBERS", set_key});
  for (const auto& m : members.elements) ids.push_back(m.str);
  if (!ids.empty()) return ids;
  const auto prefix = store::badge_key(event_id_, "");
  std::string cursor = "0";
  do {
    const auto page = redis_.query({"SCAN", cursor, "MATCH", prefix + "*", "COUNT", "1000"});
    if (page.elements.size() != 2) throw std::runtime_error("unexpected SCAN reply");
    cursor = page.elements[0].str;
    for (const auto& key : page.elements[1].elements) ids.push_back(key.str.substr(prefix.size()));
  } while (cursor != "0");
  return ids;
}

std::vector<v1::Badge> EventReader::registry() {
  auto ids = badge_ids();
  std::sort(ids.begin(), ids.end());
  std::vector<v1::Badge> badges;
  badges.reserve(ids.size());
  constexpr std::size_t kBatch = 1000;
  for (std::size_t start = 0; start < ids.size(); start += kBatch) {
    const auto end = std::min(ids.size(), start + kBatch);
    std::vector<std::vector<std::string>> commands;
    for (std::size_t i = start; i < end; ++i) {
      commands.push_back({"HMGET", store::badge_key(event_id_, ids[i]), "country", "category",
                          "name", "organization", "revoked", "person", "revoked_reason",
                          "replaced_by", "registered_by"});
    }
    const auto replies = redis_.pipeline(commands);
    for (std::size_t i = start; i < end; ++i) {
      const auto& fields = replies[i - start];
      if (fields.elements.size() != 9 || fields.elements[1].type == redis::Reply::Type::nil) {
        continue;  // listed but deleted since
      }
      v1::Badge badge;
      badge.set_badge_id(ids[i]);
      badge.set_country(text(fields.elements[0]));
      badge.set_category(text(fields.elements[1]));
      badge.set_name(text(fields.elements[2]));
      badge.set_organization(text(fields.elements[3]));
      badge.set_revoked(text(fields.elements[4]) == "1");
      // Desk replacements and walk-ins (services/store/rollcall.lua): exports fold per person.
      if (text(fields.elements[5]) != ids[i]) badge.set_person_id(text(fields.elements[5]));
      badge.set_revoked_reason(text(fields.elements[6]));
      badge.set_replaced_by(text(fields.elements[7]));
      badge.set_registered_by(text(fields.elements[8]));
      badges.push_back(std::move(badge));
    }
  }
  return badges;
}

EventReader::CounterSnapshot EventReader::counters() {
  const auto replies =
      redis_.pipeline({{"MULTI"},
                       {"HGETALL", store::counters_key(event_id_)},
                       {"XREVRANGE", store::log_key(event_id_), "+", "-", "COUNT", "1"},
                       {"EXEC"}});
  const auto& results = replies.back();
  if (results.elements.size() != 2) throw std::runtime_error("the counters could not be read");
  CounterSnapshot snapshot;
  const auto& all = results.elements[0];
  for (std::size_t i = 0; i + 1 < all.elements.size(); i += 2) {
    const auto& value = all.elements[i + 1].str;
    std::int64_t number = 0;
    std::from_chars(value.data(), value.data() + value.size(), number);
    snapshot.counters[all.elements[i].str] = number;
  }
  const auto last = log_entries(results.elements[1]);
  if (!last.empty()) snapshot.last_id = last.front().id;
  return snapshot;
}

std::size_t EventReader::log_length() {
  return std::stoull(redis_.command({"XLEN", store::log_key(event_id_)}).value_or("0"));
}

void EventReader::read_log(const std::function<void(const std::vector<LogEntry>&)>& each,
                           const std::string& until, std::size_t chunk) {
  const auto key = store::log_key(event_id_);
  std::string from = "-";
  for (;;) {
    const auto reply = redis_.query({"XRANGE", key, from, until, "COUNT", std::to_string(chunk)});
    const auto entries = log_entries(reply);
    if (!entries.empty()) each(entries);
    if (entries.size() < chunk) return;
    from = services::exporting::next_stream_id(entries.back().id);
  }
}

std::vector<LogEntry> log_entries(const redis::Reply& reply) {
  std::vector<LogEntry> entries;
  entries.reserve(reply.elements.size());
  for (const auto& item : reply.elements) {
    if (item.elements.size() != 2) continue;
    LogEntry entry;
    entry.id = item.elements[0].str;
    const auto& fields = item.elements[1].elements;
    entry.fields.reserve(fields.size() / 2);
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
      entry.fields.emplace_back(fields[i].str, fields[i + 1].str);
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace rollcall::tools::exporting
