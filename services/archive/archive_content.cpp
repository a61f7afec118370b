#include "services/archive/archive_content.h"

#include <charconv>
#include <set>
#include <string>

#include "services/registry/event_config.h"
#include "services/registry/utf8.h"

namespace rollcall::services::archive {
namespace {

constexpr std::size_t kMaxKeyName = 512;

std::string quoted(std::string_view text) {
  return "\"" + registry::quote_input(text, 64) + "\"";
}

bool parse_u64(std::string_view text, unsigned long long* out) {
  if (text.empty() || text.size() > 20) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return error == std::errc() && end == text.data() + text.size();
}

// A stream id strictly after another, as Redis orders them.
bool after(std::string_view later, std::string_view earlier) {
  unsigned long long lm = 0, ls = 0, em = 0, es = 0;
  parse_stream_id(later, &lm, &ls);
  parse_stream_id(earlier, &em, &es);
  return lm > em || (lm == em && ls > es);
}

std::string name_problem(std::string_view name) {
  if (name.empty()) return "a key with no name";
  if (name.size() > kMaxKeyName) {
    return "a key name of " + std::to_string(name.size()) + " bytes (at most " +
           std::to_string(kMaxKeyName) + ")";
  }
  for (const unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return "the key name " + quoted(name) + " holds a control byte";
  }
  if (!is_archived_key(name)) {
    return "the key " + quoted(name) + ", which an archive never holds (secrets, staging)";
  }
  return {};
}

// The key's list that its type does not use must be empty, and its own must be well formed.
std::string shape_problem(const v1::ArchiveKey& key) {
  const auto n = quoted(key.name());
  const bool has_value = !key.value().empty();
  const bool has_fields = key.fields_size() > 0, has_members = key.members_size() > 0;
  const bool has_scored = key.scored_size() > 0, has_entries = key.entries_size() > 0;
  const int lists = has_value + has_fields + has_members + has_scored + has_entries;
  switch (key.type()) {
    case v1::archive_string:
      if (lists > (has_value ? 1 : 0)) return "the string " + n + " carries a list";
      break;
    case v1::archive_hash: {
      if (!has_fields || lists != 1) return "the hash " + n + " has no fields or another list";
      std::set<std::string_view> seen;
      for (const auto& f : key.fields()) {
        if (!seen.insert(f.name()).second) {
          return "the hash " + n + " has the field " + quoted(f.name()) + " twice";
        }
      }
      break;
    }
    case v1::archive_set: {
      if (!has_members || lists != 1) return "the set " + n + " has no members or another list";
      std::set<std::string_view> seen;
      for (const auto& m : key.members()) {
        if (!seen.insert(m).second) return "the set " + n + " has a member twice";
      }
      break;
    }
    case v1::archive_sorted_set: {
      if (!has_scored || lists != 1) {
        return "the sorted set " + n + " has no members or another list";
      }
      std::set<std::string_view> seen;
      for (const auto& m : key.scored()) {
        if (!seen.insert(m.member()).second) return "the sorted set " + n + " has a member twice";
        if (m.score() != m.score()) return "the sorted set " + n + " has a score that is NaN";
      }
      break;
    }
    case v1::archive_stream: {
      if (!has_entries || lists != 1) return "the stream " + n + " has no entries or another list";
      std::string_view previous;
      for (const auto& entry : key.entries()) {
        unsigned long long ms = 0, seq = 0;
        if (!parse_stream_id(entry.id(), &ms, &seq) || (ms == 0 && seq == 0)) {
          return "the stream " + n + " has an entry id " + quoted(entry.id()) +
                 " that is not MS-SEQ";
        }
        if (!previous.empty() && !after(entry.id(), previous)) {
          return "the stream " + n + " has the entry " + quoted(entry.id()) +
                 " out of order after " + quoted(previous);
        }
        if (entry.fields_size() == 0) {
          return "the stream " + n + " has the entry " + quoted(entry.id()) + " with no fields";
        }
        previous = entry.id();
      }
      if (!key.stream_last_id().empty()) {
        unsigned long long ms = 0, seq = 0;
        if (!parse_stream_id(key.stream_last_id(), &ms, &seq) ||
            after(previous, key.stream_last_id())) {
          return "the stream " + n + " has a last id before its last entry";
        }
      }
      break;
    }
    default:
      return "the key " + n + " is of no known type";
  }
  if (key.type() != v1::archive_stream && !key.stream_last_id().empty()) {
    return "the key " + n + " has a stream id but is no stream";
  }
  return {};
}

}  // namespace

bool is_archived_key(std::string_view name) {
  return name != "tokens" && name != "secrets" && !name.starts_with(kStagingPrefix);
}

std::string staging_name(std::string_view restore_id, std::string_view name) {
  return std::string(kStagingPrefix) + std::string(restore_id) + ":" + std::string(name);
}

bool parse_stream_id(std::string_view id, unsigned long long* ms, unsigned long long* seq) {
  const auto dash = id.find('-');
  if (dash == std::string_view::npos) return false;
  return parse_u64(id.substr(0, dash), ms) && parse_u64(id.substr(dash + 1), seq);
}

std::string check_archive(const Archive& archive) {
  const auto& header = archive.header;
  if (!registry::is_valid_event_id(header.event_id())) {
    return "the event id " + quoted(header.event_id()) + " is not a valid event id";
  }
  std::set<std::string_view> names;
  const v1::ArchiveKey* event = nullptr;
  const v1::ArchiveKey* log = nullptr;
  const v1::ArchiveKey* seq = nullptr;
  for (const auto& key : archive.keys) {
    if (auto why = name_problem(key.name()); !why.empty()) return "the archive holds " + why;
    if (!names.insert(key.name()).second) {
      return "the archive holds the key " + quoted(key.name()) + " twice";
    }
    if (auto why = shape_problem(key); !why.empty()) return why;
    if (key.name() == "event") event = &key;
    if (key.name() == "log") log = &key;
    if (key.name() == "seq") seq = &key;
  }
  if (!event || event->type() != v1::archive_hash) return "the archive has no event hash";
  bool has_config = false;
  for (const auto& f : event->fields()) has_config = has_config || f.name() == "config";
  if (!has_config) return "the event hash has no config";
  if (log && log->type() != v1::archive_stream) return "the log is not a stream";

  const std::uint64_t entries = log ? static_cast<std::uint64_t>(log->entries_size()) : 0;
  const std::string last_id = log ? log->entries(log->entries_size() - 1).id() : std::string();
  if (header.keys() != archive.keys.size() || archive.end.keys() != archive.keys.size()) {
    return "the header counts " + std::to_string(header.keys()) + " keys, the end " +
           std::to_string(archive.end.keys()) + ", the file holds " +
           std::to_string(archive.keys.size());
  }
  if (header.log_entries() != entries || archive.end.log_entries() != entries) {
    return "the header counts " + std::to_string(header.log_entries()) + " log entries, the end " +
           std::to_string(archive.end.log_entries()) + ", the log holds " + std::to_string(entries);
  }
  if (header.log_last_id() != last_id) {
    return "the header names " + quoted(header.log_last_id()) + " as the last log entry, the log " +
           "ends with " + quoted(last_id);
  }
  long long seq_value = 0;
  if (seq) {
    const auto& text = seq->value();
    if (seq->type() != v1::archive_string || text.empty() ||
        std::from_chars(text.data(), text.data() + text.size(), seq_value).ptr !=
            text.data() + text.size()) {
      return "the seq is not a number";
    }
  }
  if (header.seq() != seq_value) {
    return "the header says seq " + std::to_string(header.seq()) + ", the seq key holds " +
           std::to_string(seq_value);
  }
  return {};
}

}  // namespace rollcall::services::archive
