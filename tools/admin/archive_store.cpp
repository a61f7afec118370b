#include "tools/admin/archive_store.h"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>

#include "services/archive/archive_content.h"
#include "services/store/archive_call.h"
#include "services/store/event_log_reader.h"
#include "services/store/event_reads.h"
#include "services/store/import_call.h"
#include "services/store/key_commands.h"
#include "services/store/key_scan.h"
#include "services/store/keys.h"
#include "services/store/transaction.h"
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

using store::EventPosition;

// Where the event stands (store::position_reads), read in one transaction.
EventPosition position(redis::SyncSession& redis, const std::string& e) {
  const auto results = stored(
      store::read_transaction(redis.pipeline(store::transaction(store::position_reads(e))), 3),
      "the event's position");
  if (!results) throw AdminError("the event's position could not be read");
  return stored(store::read_position((*results)[0], (*results)[1], (*results)[2]),
                "the event's position");
}

// Every key {E}:<suffix>, suffix included, SCANned (sorted, each once).
std::vector<std::string> event_keys(redis::SyncSession& redis, const std::string& e) {
  const auto prefix = store::tag(e) + ":";
  store::KeyScanPager pager(prefix + "*");
  while (const auto command = pager.next()) {
    stored(pager.take(redis.query(*command)), "the keys of " + e);
  }
  std::vector<std::string> names;
  for (const auto& key : pager.keys()) names.push_back(key.substr(prefix.size()));
  return names;
}

v1::ArchiveField pair_of(std::string name, std::string value) {
  v1::ArchiveField f;
  f.set_name(std::move(name));
  f.set_value(std::move(value));
  return f;
}

// The command that reads a key of this type whole.
std::vector<std::string> read_command(const std::string& full, const std::string& type) {
  if (auto read = store::whole_key_read(full, type)) return *read;
  throw AdminError("the key " + full + " is a " + type + ", which an archive cannot hold");
}

// The key from read_command's reply; nullopt when it went away since the SCAN.
std::optional<v1::ArchiveKey> key_from_reply(const std::string& suffix, const std::string& type,
                                             const redis::Reply& all) {
  v1::ArchiveKey key;
  key.set_name(suffix);
  if (type == "string") {
    key.set_type(v1::archive_string);
    auto value = stored(store::read_field(all), "the key " + suffix);
    if (!value) return std::nullopt;
    key.set_value(std::move(*value));
    return key;
  }
  if (type == "hash") {
    key.set_type(v1::archive_hash);
    std::vector<v1::ArchiveField> fields;
    for (auto& [name, value] : stored(store::read_hash(all), "the key " + suffix)) {
      fields.push_back(pair_of(std::move(name), std::move(value)));
    }
    // Sorted, so the same event always makes the same archive.
    std::sort(fields.begin(), fields.end(),
              [](const auto& a, const auto& b) { return a.name() < b.name(); });
    for (auto& f : fields) *key.add_fields() = std::move(f);
  } else if (type == "set") {
    key.set_type(v1::archive_set);
    auto members = stored(store::read_members(all), "the key " + suffix);
    std::sort(members.begin(), members.end());
    for (auto& m : members) key.add_members(std::move(m));
  } else {
    key.set_type(v1::archive_sorted_set);
    for (auto& [member, score] : stored(store::read_scored(all), "the key " + suffix)) {
      auto* scored = key.add_scored();
      scored->set_member(std::move(member));
      scored->set_score(score);
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
    auto page = stored(store::read_log_page(
                           redis.query(store::stream_range_read(full, from, until, kPage)), kPage),
                       "the stream " + suffix);
    v1::ArchiveKey part;
    part.set_name(suffix);
    part.set_type(v1::archive_stream);
    for (auto& item : page) {
      auto* entry = part.add_entries();
      entry->set_id(std::move(item.id));
      for (auto& [name, value] : item.fields) {
        *entry->add_fields() = pair_of(std::move(name), std::move(value));
      }
    }
    const bool last = page.size() < kPage;
    if (last) {
      if (written + part.entries_size() == 0) return 0;
      const auto last_id =
          stored(store::read_stream_last_id(redis.query(store::stream_info_read(full))),
                 "the stream " + suffix);
      if (last_id) part.set_stream_last_id(*last_id);
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
      redis.append(store::string_write(target, key.value()));
      break;
    case v1::archive_hash:
      for (int i = 0; i < key.fields_size(); i += kBatch) {
        store::FieldPairs fields;
        for (int j = i; j < std::min<int>(key.fields_size(), i + kBatch); ++j) {
          fields.emplace_back(key.fields(j).name(), key.fields(j).value());
        }
        redis.append(store::hash_write(target, fields));
      }
      break;
    case v1::archive_set:
      for (int i = 0; i < key.members_size(); i += kBatch) {
        std::vector<std::string> members;
        for (int j = i; j < std::min<int>(key.members_size(), i + kBatch); ++j) {
          members.push_back(key.members(j));
        }
        redis.append(store::set_add(target, members));
      }
      break;
    case v1::archive_sorted_set:
      for (int i = 0; i < key.scored_size(); i += kBatch) {
        std::vector<std::pair<std::string, double>> scored;
        for (int j = i; j < std::min<int>(key.scored_size(), i + kBatch); ++j) {
          scored.emplace_back(key.scored(j).member(), key.scored(j).score());
        }
        redis.append(store::sorted_set_add(target, scored));
      }
      break;
    case v1::archive_stream:
      // In order, each with its own id: the log keeps the times its ids record.
      for (const auto& entry : key.entries()) {
        store::FieldPairs fields;
        for (const auto& f : entry.fields()) fields.emplace_back(f.name(), f.value());
        redis.append(store::stream_add(target, entry.id(), fields));
      }
      if (!key.stream_last_id().empty() &&
          key.stream_last_id() != key.entries(key.entries_size() - 1).id()) {
        redis.append(store::stream_last_id_write(target, key.stream_last_id()));
      }
      break;
    default:
      throw AdminError("the archive holds a key of no known type");
  }
}

void remove_keys(redis::SyncSession& redis, const std::vector<std::string>& keys) {
  for (std::size_t i = 0; i < keys.size(); i += kBatch) {
    const std::vector<std::string> batch(
        keys.begin() + static_cast<long>(i),
        keys.begin() + static_cast<long>(std::min(keys.size(), i + kBatch)));
    redis.query(store::keys_unlink(batch));
  }
}

}  // namespace

ArchiveSummary write_archive(redis::SyncSession& redis, const std::string& e,
                             const std::string& path, int attempts) {
  const auto prefix = store::tag(e) + ":";
  EventPosition before, after;
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
    for (const auto& name : names) probes.push_back(store::key_type_read(prefix + name));
    std::vector<redis::Reply> replies;
    for (std::size_t i = 0; i < probes.size(); i += kBatch) {
      const std::vector<std::vector<std::string>> batch(
          probes.begin() + static_cast<long>(i),
          probes.begin() + static_cast<long>(std::min(probes.size(), i + kBatch)));
      for (auto& reply : redis.pipeline(batch)) replies.push_back(std::move(reply));
    }
    std::vector<std::pair<std::string, std::string>> keys;  // name, type
    for (std::size_t i = 0; i < names.size(); ++i) {
      const auto type = stored(store::read_type(replies[i]), "the type of " + names[i]);
      if (type == "none") continue;
      if (type == "stream" &&
          stored(store::read_count(redis.query(store::stream_length_read(prefix + names[i]))),
                 "the length of " + names[i]) == 0) {
        continue;
      }
      keys.emplace_back(names[i], type);
    }

    // The snapshot: every key but the streams, with the position, in one MULTI, so that they are
    // one state. The log is append-only, so reading it afterwards up to the position's last id
    // gives it as it was in that state. A key created between the SCAN and the MULTI would be
    // missing: every change that creates or deletes a key moves the seq, so the position read
    // before the SCAN must equal the one inside the MULTI.
    auto reads = store::position_reads(e);
    std::vector<std::size_t> slot(keys.size(), 0);  // index into the MULTI's results
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i].second == "stream") continue;
      slot[i] = reads.size();
      reads.push_back(read_command(prefix + keys[i].first, keys[i].second));
    }
    const auto count = reads.size();
    const auto snapshot =
        stored(store::read_transaction(redis.pipeline(store::transaction(std::move(reads))), count),
               "the event's snapshot");
    if (!snapshot) throw AdminError("the event could not be read in one transaction");
    const auto& results = *snapshot;
    after =
        stored(store::read_position(results[0], results[1], results[2]), "the event's position");
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
      const auto key = key_from_reply(name, type, results[slot[i]]);
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
  const auto replies =
      redis.pipeline({store::event_exists_read(e), store::set_member_read(store::kEventsKey, e)});
  return stored(store::read_exists(replies[0]), "whether event " + e + " exists") ||
         stored(store::read_exists(replies[1]), "the events");
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
    redis.query(store::watch({store::event_key(e), store::seq_key(e),
                              store::registry_version_key(e), store::log_key(e)}));
    if (!replace && event_exists(redis, e)) {
      redis.query(store::unwatch());
      throw AdminError("event " + e + " was created while the archive was being written");
    }
    const auto current = stored(store::read_field(redis.query(store::registry_version_read(e))),
                                "the registry version");
    long long version = number(current.value_or("0"));
    for (const auto& key : archive_file.keys) {
      if (key.name() == "registry_version") version = std::max(version, number(key.value()));
    }
    report.registry_version = version + 1;
    std::set<std::string> restored;
    for (const auto& key : archive_file.keys) restored.insert(key.name());
    std::vector<std::vector<std::string>> commands;
    for (const auto& name : event_keys(redis, e)) {
      if (archive::is_archived_key(name) && !restored.contains(name)) {
        commands.push_back(store::key_delete(prefix + name));
        ++report.removed;
      }
    }
    for (std::size_t i = 0; i < archive_file.keys.size(); ++i) {
      commands.push_back(store::key_rename(staged[i], prefix + archive_file.keys[i].name()));
    }
    commands.push_back(store::string_write(store::registry_version_key(e),
                                           std::to_string(report.registry_version)));
    const auto count = commands.size();
    const auto switched = stored(
        store::read_transaction(redis.pipeline(store::transaction(std::move(commands))), count),
        "the restore's switch");
    if (!switched) {
      throw AdminError("event " + e + " changed while the archive was being restored (is a " +
                       "gateway still serving it?); nothing was restored");
    }
  } catch (const std::exception& error) {
    try {
      redis.query(store::unwatch());
      remove_keys(redis, staged);
    } catch (const std::exception&) {
      // The link is gone: the staging keys stay until the next restore of this event.
    }
    if (dynamic_cast<const AdminError*>(&error)) throw;
    throw AdminError(std::string(error.what()) + "; nothing was restored");
  }
  redis.query(store::event_register(e));
  report.keys = archive_file.keys.size();
  return report;
}

}  // namespace rollcall::tools::admin
