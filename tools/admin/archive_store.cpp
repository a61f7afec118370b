#include "tools/admin/archive_store.h"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>

#include "services/archive/archive_content.h"
#include "services/store/keys.h"
#include "tools/admin/admin_store.h"

namespace rollcall::tools::admin {
namespace {

namespace store = services::store;
namespace archive = services::archive;
using redis::Reply;
using redis::SyncSession;

constexpr std::size_t kBatch = 500;  // elements per write command and commands per round trip

long long number(const std::string& text) {
  long long value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// Where the event stands: {E}:seq, the id of the last log entry and the log's length, read
// together.
struct Position {
  std::string seq, last_id;
  long long log_length = 0;
  bool operator==(const Position&) const = default;
};

// The three commands that read a Position, and the Position from their replies.
std::vector<std::vector<std::string>> position_commands(const std::string& e) {
  return {{"GET", store::tag(e) + ":seq"},
          {"XREVRANGE", store::log_key(e), "+", "-", "COUNT", "1"},
          {"XLEN", store::log_key(e)}};
}

Position position_from(const redis::Reply& seq, const redis::Reply& last,
                       const redis::Reply& length) {
  Position at;
  at.seq = seq.str;
  if (!last.elements.empty() && !last.elements[0].elements.empty()) {
    at.last_id = last.elements[0].elements[0].str;
  }
  at.log_length = length.integer;
  return at;
}

Position position(redis::SyncSession& redis, const std::string& e) {
  auto commands = position_commands(e);
  commands.insert(commands.begin(), {"MULTI"});
  commands.push_back({"EXEC"});
  const auto replies = redis.pipeline(commands);
  const auto& results = replies.back();
  if (results.elements.size() != 3) throw AdminError("the event's position could not be read");
  return position_from(results.elements[0], results.elements[1], results.elements[2]);
}

// Every key {E}:<suffix>, suffix included, SCANned.
std::vector<std::string> event_keys(redis::SyncSession& redis, const std::string& e) {
  const auto prefix = store::tag(e) + ":";
  std::set<std::string> names;  // SCAN may repeat a key
  std::string cursor = "0";
  do {
    const auto page = redis.query({"SCAN", cursor, "MATCH", prefix + "*", "COUNT", "1000"});
    if (page.elements.size() != 2) throw AdminError("unexpected SCAN reply");
    cursor = page.elements[0].str;
    for (const auto& key : page.elements[1].elements) names.insert(key.str.substr(prefix.size()));
  } while (cursor != "0");
  return {names.begin(), names.end()};
}

v1::ArchiveField pair_of(const redis::Reply& name, const redis::Reply& value) {
  v1::ArchiveField f;
  f.set_name(name.str);
  f.set_value(value.str);
  return f;
}

std::string score_text(double score) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", score);
  return buffer;
}

// The command that reads a key of this type whole.
std::vector<std::string> read_command(const std::string& full, const std::string& type) {
  if (type == "string") return {"GET", full};
  if (type == "hash") return {"HGETALL", full};
  if (type == "set") return {"SMEMBERS", full};
  if (type == "zset") return {"ZRANGE", full, "0", "-1", "WITHSCORES"};
  throw AdminError("the key " + full + " is a " + type + ", which an archive cannot hold");
}

// The key from read_command's reply; nullopt when it went away since the SCAN.
std::optional<v1::ArchiveKey> key_from_reply(const std::string& suffix, const std::string& type,
                                             const redis::Reply& all) {
  v1::ArchiveKey key;
  key.set_name(suffix);
  if (type == "string") {
    key.set_type(v1::archive_string);
    if (all.type != redis::Reply::Type::string) return std::nullopt;
    key.set_value(all.str);
    return key;
  }
  if (type == "hash") {
    key.set_type(v1::archive_hash);
    std::vector<v1::ArchiveField> fields;
    for (std::size_t i = 0; i + 1 < all.elements.size(); i += 2) {
      fields.push_back(pair_of(all.elements[i], all.elements[i + 1]));
    }
    // Sorted, so the same event always makes the same archive.
    std::sort(fields.begin(), fields.end(),
              [](const auto& a, const auto& b) { return a.name() < b.name(); });
    for (auto& f : fields) *key.add_fields() = std::move(f);
  } else if (type == "set") {
    key.set_type(v1::archive_set);
    std::vector<std::string> members;
    for (const auto& m : all.elements) members.push_back(m.str);
    std::sort(members.begin(), members.end());
    for (auto& m : members) key.add_members(std::move(m));
  } else {
    key.set_type(v1::archive_sorted_set);
    for (std::size_t i = 0; i + 1 < all.elements.size(); i += 2) {
      auto* scored = key.add_scored();
      scored->set_member(all.elements[i].str);
      scored->set_score(std::strtod(all.elements[i + 1].str.c_str(), nullptr));
    }
  }
  if (key.fields_size() + key.members_size() + key.scored_size() == 0) {
    return std::nullopt;  // emptied (and so deleted) since the SCAN
  }
  return key;
}

// A stream, 1,000 entries a part, straight to the archive: the log is most of an event, and is
// never held whole. Returns the entries written (0: the stream went away since the SCAN).
std::size_t write_stream(redis::SyncSession& redis, const std::string& full,
                         const std::string& suffix, const std::string& until,
                         archive::ArchiveWriter& writer) {
  constexpr std::size_t kPage = 1000;
  std::size_t written = 0;
  std::string from = "-";
  for (;;) {
    const auto page = redis.query({"XRANGE", full, from, until, "COUNT", std::to_string(kPage)});
    v1::ArchiveKey part;
    part.set_name(suffix);
    part.set_type(v1::archive_stream);
    for (const auto& item : page.elements) {
      if (item.elements.size() != 2) continue;
      auto* entry = part.add_entries();
      entry->set_id(item.elements[0].str);
      const auto& fields = item.elements[1].elements;
      for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
        *entry->add_fields() = pair_of(fields[i], fields[i + 1]);
      }
    }
    const bool last = page.elements.size() < kPage;
    if (last) {
      if (written + part.entries_size() == 0) return 0;
      const auto info = redis.query({"XINFO", "STREAM", full});
      for (std::size_t i = 0; i + 1 < info.elements.size(); i += 2) {
        if (info.elements[i].str == "last-generated-id") {
          part.set_stream_last_id(info.elements[i + 1].str);
        }
      }
    } else {
      unsigned long long ms = 0, seq = 0;
      archive::parse_stream_id(part.entries(part.entries_size() - 1).id(), &ms, &seq);
      from = std::to_string(ms) + "-" + std::to_string(seq + 1);
      part.set_continued(true);
    }
    written += static_cast<std::size_t>(part.entries_size());
    writer.key_part(part);
    if (last) return written;
  }
}

std::string random_id() {
  unsigned char bytes[8];
  randombytes_buf(bytes, sizeof bytes);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (const auto b : bytes) {
    id.push_back(kHex[b >> 4]);
    id.push_back(kHex[b & 0xf]);
  }
  return id;
}

// The commands that write `key` under `target`.
void append_writes(redis::SyncSession& redis, const std::string& target,
                   const v1::ArchiveKey& key) {
  switch (key.type()) {
    case v1::archive_string:
      redis.append({"SET", target, key.value()});
      break;
    case v1::archive_hash:
      for (int i = 0; i < key.fields_size(); i += kBatch) {
        std::vector<std::string> command = {"HSET", target};
        for (int j = i; j < std::min<int>(key.fields_size(), i + kBatch); ++j) {
          command.push_back(key.fields(j).name());
          command.push_back(key.fields(j).value());
        }
        redis.append(command);
      }
      break;
    case v1::archive_set:
      for (int i = 0; i < key.members_size(); i += kBatch) {
        std::vector<std::string> command = {"SADD", target};
        for (int j = i; j < std::min<int>(key.members_size(), i + kBatch); ++j) {
          command.push_back(key.members(j));
        }
        redis.append(command);
      }
      break;
    case v1::archive_sorted_set:
      for (int i = 0; i < key.scored_size(); i += kBatch) {
        std::vector<std::string> command = {"ZADD", target};
        for (int j = i; j < std::min<int>(key.scored_size(), i + kBatch); ++j) {
          command.push_back(score_text(key.scored(j).score()));
          command.push_back(key.scored(j).member());
        }
        redis.append(command);
      }
      break;
    case v1::archive_stream:
      // In order, each with its own id: the log keeps the times its ids record.
      for (const auto& entry : key.entries()) {
        std::vector<std::string> command = {"XADD", target, entry.id()};
        for (const auto& f : entry.fields()) {
          command.push_back(f.name());
          command.push_back(f.value());
        }
        redis.append(command);
      }
      if (!key.stream_last_id().empty() &&
          key.stream_last_id() != key.entries(key.entries_size() - 1).id()) {
        redis.append({"XSETID", target, key.stream_last_id()});
      }
      break;
    default:
      throw AdminError("the archive holds a key of no known type");
  }
}

void remove_keys(redis::SyncSession& redis, const std::vector<std::string>& keys) {
  for (std::size_t i = 0; i < keys.size(); i += kBatch) {
    std::vector<std::string> command = {"UNLINK"};
    for (std::size_t j = i; j < std::min(keys.size(), i + kBatch); ++j) command.push_back(keys[j]);
    redis.query(command);
  }
}

}  // namespace

ArchiveSummary write_archive(redis::SyncSession& redis, const std::string& e,
                             const std::string& path, int attempts) {
  const auto prefix = store::tag(e) + ":";
  Position before, after;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    ArchiveSummary summary;
    summary.attempts = attempt;
    before = position(redis, e);
    std::vector<std::string> names;
    for (auto& name : event_keys(redis, e)) {
      if (archive::is_archived_key(name)) names.push_back(std::move(name));
    }
    // Each key's type, and each stream's length: an emptied stream cannot be rebuilt by XADD
    // (nothing of rollcall empties one), so it is left out before the header counts the keys.
    std::vector<std::vector<std::string>> probes;
    for (const auto& name : names) probes.push_back({"TYPE", prefix + name});
    std::vector<redis::Reply> replies;
    for (std::size_t i = 0; i < probes.size(); i += kBatch) {
      const std::vector<std::vector<std::string>> batch(
          probes.begin() + static_cast<long>(i),
          probes.begin() + static_cast<long>(std::min(probes.size(), i + kBatch)));
      for (auto& reply : redis.pipeline(batch)) replies.push_back(std::move(reply));
    }
    std::vector<std::pair<std::string, std::string>> keys;  // name, type
    for (std::size_t i = 0; i < names.size(); ++i) {
      const auto& type = replies[i].str;
      if (type == "none") continue;
      if (type == "stream" && redis.query({"XLEN", prefix + names[i]}).integer == 0) continue;
      keys.emplace_back(names[i], type);
    }

    // The snapshot: every key but the streams, with the position, in one MULTI, so that they are
    // one state. The log is append-only, so reading it afterwards up to the position's last id
    // gives it as it was in that state. A key created between the SCAN and the MULTI would be
    // missing: every change that creates or deletes a key moves the seq, so the position read
    // before the SCAN must equal the one inside the MULTI.
    std::vector<std::vector<std::string>> commands = position_commands(e);
    commands.insert(commands.begin(), {"MULTI"});
    std::vector<std::size_t> slot(keys.size(), 0);  // index into the MULTI's results
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i].second == "stream") continue;
      slot[i] = commands.size() - 1;
      commands.push_back(read_command(prefix + keys[i].first, keys[i].second));
    }
    commands.push_back({"EXEC"});
    const auto snapshot = redis.pipeline(commands);
    const auto& results = snapshot.back();
    if (results.elements.size() != commands.size() - 2) {
      throw AdminError("the event could not be read in one transaction");
    }
    after = position_from(results.elements[0], results.elements[1], results.elements[2]);
    if (after != before) continue;

    auto& header = summary.header;
    header.set_event_id(e);
    header.set_created_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count());
    header.set_created_by("rollcall-admin archive create");
    header.set_seq(number(before.seq));
    header.set_log_last_id(before.last_id);
    header.set_log_entries(static_cast<std::uint64_t>(before.log_length));
    header.set_keys(keys.size());
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    if (!file) throw AdminError("cannot write " + path);
    archive::ArchiveWriter writer(file);
    writer.header(header);
    bool held_still = true;
    for (std::size_t i = 0; i < keys.size() && held_still; ++i) {
      const auto& [name, type] = keys[i];
      if (type == "stream") {
        const auto until = name == "log" ? before.last_id : std::string("+");
        held_still = write_stream(redis, prefix + name, name, until, writer) > 0;
        continue;
      }
      const auto key = key_from_reply(name, type, results.elements[slot[i]]);
      if (!key) {
        held_still = false;  // cannot be: the seq did not move
        break;
      }
      writer.key(*key);
      summary.badges += name.starts_with("badge:");
      if (name == "counters") {
        for (const auto& f : key->fields()) {
          if (f.name() == "online") summary.online = number(f.value());
          if (f.name() == "inside") summary.inside = number(f.value());
        }
      }
      if (name == "leases") {
        for (const auto& lease : key->scored()) {
          if (lease.score() > static_cast<double>(header.created_ms())) ++summary.live_leases;
        }
      }
    }
    if (!held_still) continue;
    summary.sha256 = writer.finish();
    summary.bytes = writer.bytes_written();
    return summary;
  }
  throw AdminError("event " + e + " kept changing while it was read (" + std::to_string(attempts) +
                   " times; seq " + before.seq + " became " + after.seq +
                   "): archive it when its desks and platforms have stopped");
}

bool event_exists(redis::SyncSession& redis, const std::string& e) {
  const auto replies = redis.pipeline(
      {{"EXISTS", store::event_key(e)}, {"SISMEMBER", std::string(store::kEventsKey), e}});
  return replies[0].integer != 0 || replies[1].integer != 0;
}

RestoreReport restore_event(redis::SyncSession& redis, const archive::Archive& archive_file,
                            bool replace) {
  const auto& e = archive_file.header.event_id();
  const auto prefix = store::tag(e) + ":";
  if (!replace && event_exists(redis, e)) {
    throw AdminError("event " + e +
                     " already exists here; nothing was written (--replace replaces it, keeping "
                     "its tokens and secrets)");
  }
  RestoreReport report;
  // A restore that was killed leaves its staging keys; they are nobody's, so they go now.
  std::vector<std::string> stale;
  for (const auto& name : event_keys(redis, e)) {
    if (name.starts_with(archive::kStagingPrefix)) stale.push_back(prefix + name);
  }
  remove_keys(redis, stale);
  report.stale_staging = stale.size();

  const auto restore_id = random_id();
  std::vector<std::string> staged;
  try {
    for (const auto& key : archive_file.keys) {
      staged.push_back(prefix + archive::staging_name(restore_id, key.name()));
      append_writes(redis, staged.back(), key);
    }
    redis.flush();

    // The switch: one transaction, watched so that a write to the event meanwhile (a gateway
    // still serving it) aborts the restore instead of mixing two states.
    redis.query({"WATCH", store::event_key(e), prefix + "seq", store::registry_version_key(e),
                 store::log_key(e)});
    if (!replace && event_exists(redis, e)) {
      redis.query({"UNWATCH"});
      throw AdminError("event " + e + " was created while the archive was being written");
    }
    const auto current = redis.command({"GET", store::registry_version_key(e)});
    long long version = number(current.value_or("0"));
    for (const auto& key : archive_file.keys) {
      if (key.name() == "registry_version") version = std::max(version, number(key.value()));
    }
    report.registry_version = version + 1;
    std::set<std::string> restored;
    for (const auto& key : archive_file.keys) restored.insert(key.name());
    std::vector<std::vector<std::string>> commands = {{"MULTI"}};
    for (const auto& name : event_keys(redis, e)) {
      if (archive::is_archived_key(name) && !restored.contains(name)) {
        commands.push_back({"DEL", prefix + name});
        ++report.removed;
      }
    }
    for (std::size_t i = 0; i < archive_file.keys.size(); ++i) {
      commands.push_back({"RENAME", staged[i], prefix + archive_file.keys[i].name()});
    }
    commands.push_back(
        {"SET", store::registry_version_key(e), std::to_string(report.registry_version)});
    commands.push_back({"EXEC"});
    const auto replies = redis.pipeline(commands);
    if (replies.back().type != redis::Reply::Type::array) {
      throw AdminError("event " + e + " changed while the archive was being restored (is a " +
                       "gateway still serving it?); nothing was restored");
    }
  } catch (const std::exception& error) {
    try {
      redis.query({"UNWATCH"});
      remove_keys(redis, staged);
    } catch (const std::exception&) {
      // The link is gone: the staging keys stay until the next restore of this event.
    }
    if (dynamic_cast<const AdminError*>(&error)) throw;
    throw AdminError(std::string(error.what()) + "; nothing was restored");
  }
  redis.query({"SADD", std::string(store::kEventsKey), e});
  report.keys = archive_file.keys.size();
  return report;
}

}  // namespace rollcall::tools::admin
