#include "tools/admin/privacy_store.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include <boost/json.hpp>

#include "services/export/log_entry.h"
#include "services/privacy/event_end.h"
#include "services/privacy/pseudonyms.h"
#include "services/registry/event_config.h"
#include "services/store/event_log_reader.h"
#include "services/store/event_reads.h"
#include "services/store/import_call.h"
#include "services/store/key_commands.h"
#include "services/store/key_scan.h"
#include "services/store/keys.h"
#include "services/store/privacy_call.h"
#include "services/store/registry_reader.h"
#include "services/store/transaction.h"
#include "services/store/venue_call.h"
#include "tools/admin/admin_store.h"
#include "tools/export/event_reader.h"

namespace rollcall::tools::admin {
namespace {

namespace privacy = services::privacy;
namespace store = services::store;
using exporting::log_entries;
using privacy::Fields;
using redis::Reply;
using redis::SyncSession;
using services::exporting::LogEntry;
using Command = std::vector<std::string>;

constexpr std::size_t kChunk = 500;      // commands per MULTI, keys per read
constexpr std::size_t kLogChunk = 1000;  // log entries per XRANGE
constexpr int kSwapAttempts = 50;

// A hash read's fields (store::read_hash), or AdminError naming the key.
Fields hash_of(const redis::Reply& reply, const std::string& key) {
  return stored(store::read_hash(reply), key);
}
Fields hash_of(redis::SyncSession& redis, const std::string& key) {
  return hash_of(redis.query(store::hash_read(key)), key);
}
std::vector<std::string> members_of(redis::SyncSession& redis, const std::string& key) {
  return stored(store::read_members(redis.query(store::set_read(key))), key);
}
bool is_member(redis::SyncSession& redis, const std::string& key, const std::string& member) {
  return stored(store::read_exists(redis.query(store::set_member_read(key, member))), key);
}
std::optional<std::string> field_of(redis::SyncSession& redis, const std::string& key,
                                    const std::string& field) {
  return stored(store::read_field(redis.query(store::hash_field_read(key, field))), key);
}

// Every key matching `pattern` (SCAN: never blocks Redis for long), sorted, each once.
std::vector<std::string> scan_keys(redis::SyncSession& redis, const std::string& pattern) {
  store::KeyScanPager pager(pattern);
  while (const auto command = pager.next()) {
    stored(pager.take(redis.query(*command)), "the keys " + pattern);
  }
  return pager.keys();
}

// Every field of a hash (HSCAN: never blocks Redis for long).
Fields hash_fields(redis::SyncSession& redis, const std::string& key) {
  store::HashScanPager pager(key);
  while (const auto command = pager.next()) stored(pager.take(redis.query(*command)), key);
  return pager.fields();
}

// Commands applied in MULTI/EXEC chunks as they come (a shred: many small atomic steps), or held
// for one transaction at the end (an erasure: everything at once, with the log's swap).
class Writer {
 public:
  Writer(redis::SyncSession& redis, bool dry_run, bool hold)
      : redis_(redis), dry_run_(dry_run), hold_(hold) {}
  void add(Command command) {
    commands_.push_back(std::move(command));
    if (!hold_ && commands_.size() >= kChunk) flush();
  }
  void flush() {
    if (commands_.empty() || hold_) return;
    if (!dry_run_) transaction(redis_, commands_);
    commands_.clear();
  }
  std::vector<Command> take() { return std::exchange(commands_, {}); }

  // MULTI, the commands, EXEC (store::transaction); a refused EXEC throws (nothing applied).
  static void transaction(redis::SyncSession& redis, const std::vector<Command>& commands) {
    const auto applied = stored(
        store::read_transaction(redis.pipeline(store::transaction(commands)), commands.size()),
        "a rewrite transaction");
    if (!applied) throw AdminError("a rewrite transaction was refused; run the command again");
  }

 private:
  redis::SyncSession& redis_;
  bool dry_run_, hold_;
  std::vector<Command> commands_;
};

// One rewrite of an event's stored records: shared by the shred (scope: everyone) and the
// erasure (scope: one person).
class Rewrite {
 public:
  Rewrite(redis::SyncSession& redis, std::string event_id, const privacy::Rewriter& rewriter,
          const privacy::Scope& scope, Writer& writer)
      : redis_(redis), e_(std::move(event_id)), rw_(rewriter), scope_(scope), out_(writer) {}

  privacy::Tally tally;

  // Badge hashes: names and organizations go, links are pseudonymized, the hash moves to the
  // pseudonym of its badge id; {E}:badges follows.
  void badges(const std::vector<std::string>& ids) {
    const auto set_key = store::badges_key(e_);
    for (std::size_t start = 0; start < ids.size(); start += kChunk) {
      const auto end = std::min(ids.size(), start + kChunk);
      std::vector<Command> reads;
      for (auto i = start; i < end; ++i) {
        reads.push_back(store::badge_hash_read(e_, ids[i]));
        reads.push_back(store::set_member_read(set_key, ids[i]));
      }
      const auto replies = redis_.pipeline(reads);
      for (auto i = start; i < end; ++i) {
        const auto& id = ids[i];
        const auto fields = hash_of(replies[2 * (i - start)], store::badge_key(e_, id));
        const bool member = stored(store::read_exists(replies[2 * (i - start) + 1]), set_key);
        const auto new_id = rw_.subject(id);
        if (!fields.empty()) {
          const auto rewritten = rw_.badge(fields);
          for (const auto& [name, value] : fields) {
            if (name == "name" && !value.empty()) ++tally.names;
            if (name == "organization" && !value.empty()) ++tally.organizations;
          }
          for (std::size_t f = 0, g = 0; f < fields.size(); ++f) {
            if (g < rewritten.size() && rewritten[g].first == fields[f].first) {
              if (rewritten[g].second != fields[f].second) ++tally.person_links;
              ++g;
            }
          }
          if (rewritten != fields || new_id != id) {
            ++tally.badges;
            out_.add(store::key_delete(store::badge_key(e_, id)));
            if (!rewritten.empty()) {
              out_.add(store::hash_write(store::badge_key(e_, new_id), rewritten));
            }
          }
        }
        if (member && new_id != id) {
          ++tally.badge_set_members;
          out_.add(store::set_remove(set_key, id));
          out_.add(store::set_add(set_key, {new_id}));
        }
      }
    }
  }

  // Per-person state: {E}:state:P renamed, and P in inside, onsite, remote_badges.
  void persons(const std::vector<std::string>& state_keys, const std::vector<std::string>& ids) {
    const auto prefix = store::state_key(e_, "");
    for (const auto& key : state_keys) {
      const auto person = key.substr(prefix.size());
      const auto renamed = rw_.subject(person);
      if (renamed == person) continue;
      ++tally.person_states;
      out_.add(store::key_rename(key, prefix + renamed));
    }
    for (const auto& key :
         {store::inside_key(e_), store::onsite_key(e_), store::remote_badges_key(e_)}) {
      std::vector<std::string> members;
      if (scope_.is_everyone()) {
        members = members_of(redis_, key);
      } else {
        for (const auto& id : ids) {
          if (is_member(redis_, key, id)) members.push_back(id);
        }
      }
      for (const auto& member : members) {
        const auto renamed = rw_.subject(member);
        if (renamed == member) continue;
        ++tally.person_set_members;
        out_.add(store::set_remove(key, member));
        out_.add(store::set_add(key, {renamed}));
      }
    }
    // The registry's explicit person ids ({E}:persons, person id -> country): pseudonymized as
    // the badges' `person` fields are, their countries kept.
    const auto links = store::persons_key(e_);
    Fields entries;
    if (scope_.is_everyone()) {
      entries = hash_of(redis_.query(store::persons_read(e_)), links);
    } else {
      for (const auto& id : ids) {
        if (auto country = field_of(redis_, links, id)) entries.emplace_back(id, *country);
      }
    }
    for (const auto& [id, country] : entries) {
      const auto renamed = rw_.subject(id);
      if (renamed == id) continue;
      ++tally.person_set_members;
      out_.add(store::hash_field_delete(links, id));
      out_.add(store::person_link_write(e_, renamed, country));
    }
  }

  // Online participants: {E}:participant:P (renamed, its badge_id pseudonymized), {E}:remote,
  // the connections each holder holds ({E}:held:H).
  void participants(const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
      const auto key = store::participant_key(e_, id);
      const auto fields = hash_of(redis_, key);
      const auto renamed = rw_.participant(id);
      const auto rewritten = rw_.participant_record(fields);
      if (fields.empty() || (renamed == id && rewritten == fields)) continue;
      ++tally.participants;
      out_.add(store::key_delete(key));
      out_.add(store::hash_write(store::participant_key(e_, renamed), rewritten));
    }
    const auto remote = store::remote_key(e_);
    std::vector<std::string> members;
    if (scope_.is_everyone()) {
      members = members_of(redis_, remote);
    } else {
      for (const auto& id : ids) {
        if (is_member(redis_, remote, id)) members.push_back(id);
      }
    }
    for (const auto& member : members) {
      const auto renamed = rw_.participant(member);
      if (renamed == member) continue;
      ++tally.remote_members;
      out_.add(store::set_remove(remote, member));
      out_.add(store::set_add(remote, {renamed}));
    }
    for (const auto& key : scan_keys(redis_, store::held_key(e_, "*"))) {
      for (const auto& [participant, count] : hash_fields(redis_, key)) {
        const auto renamed = rw_.participant(participant);
        if (renamed == participant) continue;
        ++tally.held_connections;
        out_.add(store::hash_field_delete(key, participant));
        out_.add(store::hash_field_write(key, renamed, count));
      }
    }
  }

  // {E}:presence_ids: the ids senders gave their items, pseudonymized (everyone's, or the
  // person's as the log names them).
  void presence_ids(const std::vector<std::string>& person_ids) {
    const auto key = store::presence_ids_key(e_);
    Fields fields;
    if (scope_.is_everyone()) {
      fields = hash_fields(redis_, key);
    } else {
      for (const auto& id : person_ids) {
        if (auto status = field_of(redis_, key, id)) fields.emplace_back(id, *status);
      }
    }
    for (const auto& [id, status] : fields) {
      // In the person's scope the ids come from the person's own entries.
      const auto renamed = scope_.is_everyone() ? rw_.presence(id, {})
                                                : rw_.presence(id, *scope_.participants().begin());
      if (renamed == id) continue;
      ++tally.presence_ids;
      out_.add(store::hash_field_delete(key, id));
      out_.add(store::hash_field_write(key, renamed, status));
    }
  }

  // {E}:scan_ids: the stored outcome names the badge (kept under the same scan id, so a desk's
  // late resend is still answered as a replay).
  void scan_outcomes(const std::vector<std::string>& person_scan_ids) {
    const auto key = store::scan_ids_key(e_);
    Fields fields;
    if (scope_.is_everyone()) {
      fields = hash_fields(redis_, key);
    } else {
      for (const auto& id : person_scan_ids) {
        if (auto value = field_of(redis_, key, id)) fields.emplace_back(id, *value);
      }
    }
    for (const auto& [id, value] : fields) {
      const auto rewritten = rw_.scan_outcome(value);
      if (rewritten == value) continue;
      ++tally.scan_outcomes;
      out_.add(store::hash_field_write(key, id, rewritten));
    }
  }

  // {E}:registry_requests: the answers remembered for walk-ins and replacements.
  void registry_answers() {
    const auto key = store::registry_requests_key(e_);
    for (const auto& [field, value] : hash_fields(redis_, key)) {
      const auto rewritten = rw_.registry_answer(value);
      if (rewritten == value) continue;
      ++tally.registry_answers;
      out_.add(store::hash_field_write(key, field, rewritten));
    }
  }

  // What a venue's fold keeps of this event's persons (the venue's own keys, in the venue's
  // slot: written through `out`, never in a transaction with the event's keys). Venue-wide
  // (linked) person ids are the venue's and stay.
  void venue(const std::string& venue, Writer& out) {
    const auto vkey = [&](const std::string& suffix) {
      return store::venue_fold_key(venue, suffix);
    };
    const auto changed = [&] { ++tally.venue_records; };
    for (const char* set : {"onsite", "remote"}) {
      for (const auto& member : members_of(redis_, vkey(set))) {
        const auto renamed = rw_.venue_person(e_, member);
        if (renamed == member) continue;
        changed();
        out.add(store::set_remove(vkey(set), member));
        out.add(store::set_add(vkey(set), {renamed}));
      }
    }
    const auto person_prefix = vkey("person:");
    for (const auto& key : scan_keys(redis_, person_prefix + e_ + "/*")) {
      const auto renamed = rw_.venue_person(e_, key.substr(person_prefix.size()));
      if (person_prefix + renamed == key) continue;
      changed();
      out.add(store::key_rename(key, person_prefix + renamed));
    }
    // Hashes keyed by venue person, event person or "E/participant": field and value rewritten.
    const auto rehash = [&](const std::string& key, const auto& field_of, const auto& value_of) {
      for (const auto& [field, value] : hash_fields(redis_, key)) {
        const auto new_field = field_of(field);
        const auto new_value = value_of(value);
        if (new_field == field && new_value == value) continue;
        changed();
        if (new_field != field) out.add(store::hash_field_delete(key, field));
        out.add(store::hash_field_write(key, new_field, new_value));
      }
    };
    const auto same = [](const std::string& text) { return text; };
    const auto vp = [&](const std::string& text) { return rw_.venue_person(e_, text); };
    const auto event_person = [&](const std::string& text) { return rw_.subject(text); };
    const auto participant = [&](const std::string& text) {
      return rw_.venue_participant(e_, text);
    };
    // "inside_day VP"
    const auto inside_value = [&](const std::string& text) {
      const auto space = text.find(' ');
      if (space == std::string::npos) return text;
      return text.substr(0, space + 1) + rw_.venue_person(e_, text.substr(space + 1));
    };
    rehash(vkey("inside_at"), vp, same);
    rehash(vkey("at:" + e_ + ":inside"), event_person, inside_value);
    rehash(vkey("at:" + e_ + ":state_day"), event_person, same);
    rehash(vkey("participant"), participant, vp);
    rehash(vkey("conns"), participant, same);
    out.flush();
  }

  // Copies log entries after `cursor` into the rewrite stream, rewritten, with their ids; returns
  // the new cursor (the last id copied). `dry_run`: counts only.
  std::string copy_log(std::string cursor, bool dry_run) {
    for (;;) {
      const auto start =
          cursor.empty() ? std::string("-") : services::exporting::next_stream_id(cursor);
      const auto entries =
          log_entries(redis_.query(store::log_range_read(e_, start, "+", kLogChunk)));
      if (entries.empty()) return cursor;
      std::vector<Command> adds;
      for (const auto& entry : entries) {
        ++tally.log_total;
        const auto rewritten = rw_.entry(entry);
        if (rewritten.fields != entry.fields) {
          ++tally.log_entries;
          for (const auto name : privacy::free_text_log_fields()) {
            if (!entry.get(name).empty()) ++tally.notes;
          }
        }
        adds.push_back(store::log_rewrite_add(e_, entry.id, rewritten.fields));
      }
      if (!dry_run) redis_.pipeline(adds);
      cursor = entries.back().id;
    }
  }

 private:
  redis::SyncSession& redis_;
  std::string e_;
  const privacy::Rewriter& rw_;
  const privacy::Scope& scope_;
  Writer& out_;
};

// Rebuilds the log into {E}:log_rewrite and swaps it in, with the commands `final` makes, in one
// atomic step (FCALL rollcall_privacy_swap). Entries appended meanwhile are copied as they are
// unless they name someone in `ids` (or `texts` in a note; "*": any entry): then they are
// copied rewritten here, `final` is asked again (its reads are then fresh) and the step retried.
// Returns the attempts it took.
std::size_t swap_log(redis::SyncSession& redis, const std::string& event_id, Rewrite& rewrite,
                     const std::vector<std::string>& ids, const std::vector<std::string>& texts,
                     const std::function<std::vector<Command>()>& final) {
  redis.query(store::log_rewrite_clear(event_id));
  auto cursor = rewrite.copy_log("", false);
  for (int attempt = 1; attempt <= kSwapAttempts; ++attempt) {
    const auto call = store::privacy_swap_call({.event_id = event_id,
                                                .after_id = cursor,
                                                .ids = ids,
                                                .texts = texts,
                                                .commands = final()});
    if (stored(store::read_privacy_swap(call_function(redis, call)), "the log swap").swapped) {
      return static_cast<std::size_t>(attempt);
    }
    cursor = rewrite.copy_log(cursor, false);
  }
  throw AdminError("the log of " + event_id + " kept changing; " + std::to_string(kSwapAttempts) +
                   " attempts to swap it failed (nothing changed " +
                   "in the last step: run the command again)");
}

// A field of {E}:event (shredded_ms, shred_key, config), read by its store builder.
std::optional<std::string> event_field(redis::SyncSession& redis, const Command& read) {
  return stored(store::read_field(redis.query(read)), "the event");
}

std::string time_of(std::int64_t ms) {
  google::protobuf::Timestamp t;
  t.set_seconds(ms / 1000);
  return time_text(t);
}

// Venues naming this event, with their venue-wide person count.
std::vector<std::pair<std::string, long long>> venues_of(redis::SyncSession& redis,
                                                         const std::string& event_id) {
  std::vector<std::pair<std::string, long long>> out;
  for (const auto& venue :
       stored(store::read_members(redis.query(store::venue_ids_read())), "the venues")) {
    const auto events = stored(store::read_field(redis.query(store::venue_events_read(venue))),
                               "the events of venue " + venue);
    if (!events || events->find("," + event_id + ",") == std::string::npos) continue;
    out.emplace_back(venue,
                     stored(store::read_count(redis.query(store::venue_persons_count_read(venue))),
                            "the persons of venue " + venue));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// One person

struct Person {
  std::string id;                         // the person id (the first badge's id by default)
  std::vector<std::string> badges;        // every badge of the person
  std::vector<std::string> participants;  // online participant ids of the person
  std::vector<LogEntry> entries;          // log entries naming any of them
  std::vector<std::string> presence_ids;  // the person's items' ids (from the log)
  std::vector<std::string> scan_ids;      // the person's scans (from the log)
  std::vector<std::string> names;         // their names, as free text may hold them
};

[[noreturn]] void unknown_or_erased(redis::SyncSession& redis, const std::string& event_id,
                                    const std::string& what, const std::string& id) {
  if (stored(store::read_exists(redis.query(
                 store::erased_mark_read(event_id, privacy::erased_mark(event_id, id)))),
             "the erased marks")) {
    throw AdminError(what + " " + id + " of " + event_id + " was already erased");
  }
  throw AdminError("no " + what + " " + id + " in " + event_id +
                   " (unknown; nothing exported or erased)");
}

// The badges whose person is `person` (the `person` field, else the badge's own id).
std::vector<std::string> badges_of(redis::SyncSession& redis, const std::string& event_id,
                                   const std::string& person) {
  const auto ids = stored(store::read_members(redis.query(store::badge_ids_read(event_id))),
                          "the badges of " + event_id);
  std::vector<std::string> out;
  for (std::size_t start = 0; start < ids.size(); start += kChunk) {
    const auto end = std::min(ids.size(), start + kChunk);
    std::vector<Command> reads;
    for (auto i = start; i < end; ++i) {
      reads.push_back(store::badge_field_read(event_id, ids[i], "person"));
    }
    const auto replies = redis.pipeline(reads);
    for (auto i = start; i < end; ++i) {
      const auto linked =
          stored(store::read_field(replies[i - start]), "badge " + ids[i]).value_or("");
      if ((linked.empty() ? ids[i] : linked) == person) out.push_back(ids[i]);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void refuse_if_shredded(redis::SyncSession& redis, const std::string& event_id) {
  if (auto at = event_field(redis, store::shredded_read(event_id))) {
    throw AdminError("event " + event_id + " was shredded at " + time_of(std::stoll(*at)) +
                     ": no one's personal data is left in it");
  }
}

Person find_person(redis::SyncSession& redis, const std::string& event_id,
                   const PersonSelector& who) {
  refuse_if_shredded(redis, event_id);
  Person person;
  std::string from_participant_badge;
  if (!who.participant_id.empty()) {
    const auto record = hash_of(redis, store::participant_key(event_id, who.participant_id));
    if (record.empty()) unknown_or_erased(redis, event_id, "participant", who.participant_id);
    for (const auto& [name, value] : record) {
      if (name == "badge_id") from_participant_badge = value;
    }
    if (from_participant_badge.empty()) {
      // Online only, no badge: the person is the participant (the venue rule's E/~P).
      person.id = "~" + who.participant_id;
      person.participants = {who.participant_id};
    }
  }
  const auto badge = !who.badge_id.empty() ? who.badge_id : from_participant_badge;
  if (!badge.empty()) {
    const auto record =
        hash_of(redis.query(store::badge_hash_read(event_id, badge)), "badge " + badge);
    if (record.empty()) unknown_or_erased(redis, event_id, "badge", badge);
    person.id = badge;
    for (const auto& [name, value] : record) {
      if (name == "person" && !value.empty()) person.id = value;
    }
  } else if (!who.person_id.empty()) {
    person.id = who.person_id;
  }
  if (person.participants.empty() || !badge.empty() || !who.person_id.empty()) {
    person.badges = badges_of(redis, event_id, person.id);
    if (person.badges.empty()) unknown_or_erased(redis, event_id, "person", person.id);
    // Online participants that named one of the badges.
    const std::set<std::string> badges(person.badges.begin(), person.badges.end());
    const auto prefix = store::participant_key(event_id, "");
    for (const auto& key : scan_keys(redis, prefix + "*")) {
      const auto linked = field_of(redis, key, "badge_id");
      if (linked && badges.contains(*linked))
        person.participants.push_back(key.substr(prefix.size()));
    }
  }
  for (const auto& id : person.badges) {
    if (auto name =
            stored(store::read_field(redis.query(store::badge_field_read(event_id, id, "name"))),
                   "badge " + id)) {
      if (!name->empty()) person.names.push_back(*name);
    }
  }
  // The log: every entry naming them (by id, or by name in a desk's note).
  std::set<std::string> subjects(person.badges.begin(), person.badges.end());
  if (!person.badges.empty()) subjects.insert(person.id);
  const auto scope = privacy::Scope::person(
      subjects, std::set<std::string>(person.participants.begin(), person.participants.end()),
      person.names);
  const privacy::Pseudonyms unused(privacy::Pseudonyms::Key{});
  const privacy::Rewriter matcher(unused, scope);
  std::set<std::string> presence_ids, scan_ids;
  std::string cursor;
  for (;;) {
    const auto start =
        cursor.empty() ? std::string("-") : services::exporting::next_stream_id(cursor);
    const auto entries =
        log_entries(redis.query(store::log_range_read(event_id, start, "+", kLogChunk)));
    if (entries.empty()) break;
    for (const auto& entry : entries) {
      if (!matcher.mentions(entry)) continue;
      person.entries.push_back(entry);
      const auto pid = entry.get("presence_id");
      if (!pid.empty() && !privacy::is_marker_presence_id(pid) &&
          scope.covers_participant(entry.get("participant_id"))) {
        presence_ids.insert(std::string(pid));
      }
      if (entry.get("type") == "scan") scan_ids.insert(std::string(entry.get("scan_id")));
    }
    cursor = entries.back().id;
  }
  person.presence_ids.assign(presence_ids.begin(), presence_ids.end());
  person.scan_ids.assign(scan_ids.begin(), scan_ids.end());
  return person;
}

boost::json::object object_of(const Fields& fields) {
  boost::json::object out;
  for (const auto& [name, value] : fields) out[name] = value;
  return out;
}

boost::json::value parsed_or_text(const std::string& text) {
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  if (ec) return boost::json::value(text);
  return value;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

ShredReport shred_event(redis::SyncSession& redis, const std::string& event_id,
                        const ShredRequest& request) {
  ShredReport report;
  report.venue_persons = venues_of(redis, event_id);
  if (auto at = event_field(redis, store::shredded_read(event_id))) {
    report.outcome = ShredReport::Outcome::already_shredded;
    report.shredded_ms = std::stoll(*at);
    return report;
  }
  const auto config = event_field(redis, store::event_config_read(event_id));
  if (!config) throw AdminError("event " + event_id + " has no config in Redis");
  v1::Event event;
  try {
    event = services::registry::parse_event_json(*config, event_id);
  } catch (const std::exception& e) {
    throw AdminError("event " + event_id + " has an unusable config: " + e.what());
  }
  const auto end = privacy::event_end_ms(event);
  if (!request.force) {
    if (!end) {
      throw AdminError("event " + event_id +
                       " lists no days, so it has no end: give --force to shred it anyway");
    }
    if (request.now_ms < *end) {
      throw AdminError("event " + event_id + " has not ended: its last day ends at " +
                       time_of(*end) + " (" +
                       (event.time_zone().empty() ? std::string("UTC") : event.time_zone()) +
                       "); give --force to shred it before then");
    }
  }

  // The key lives in Redis only while a shred runs, so that an interrupted run is finished
  // with the same pseudonyms; it is deleted in the last step.
  privacy::Pseudonyms::Key key;
  if (auto kept = event_field(redis, store::shred_key_read(event_id))) {
    key = privacy::Pseudonyms::key_from_hex(*kept);
    report.resumed = true;
  } else {
    key = privacy::Pseudonyms::random_key();
    if (!request.dry_run) {
      redis.query(store::shred_key_create(event_id, privacy::Pseudonyms::key_to_hex(key)));
      const auto kept = event_field(redis, store::shred_key_read(event_id));
      if (!kept) throw AdminError("the shred key of " + event_id + " went away; run it again");
      key = privacy::Pseudonyms::key_from_hex(*kept);
    }
  }
  const privacy::Pseudonyms names(key);
  const auto scope = privacy::Scope::everyone();
  const privacy::Rewriter rewriter(names, scope);
  Writer writer(redis, request.dry_run, false);
  Rewrite rewrite(redis, event_id, rewriter, scope, writer);

  std::set<std::string> badge_ids;
  for (auto& id : stored(store::read_members(redis.query(store::badge_ids_read(event_id))),
                         "the badges of " + event_id)) {
    badge_ids.insert(std::move(id));
  }
  // Badges not in the set (events imported before it was kept): the registry's own SCAN.
  std::string cursor = "0";
  do {
    auto page = stored(
        store::read_badge_scan(event_id, redis.query(store::badge_scan_read(event_id, cursor))),
        "the badge keys of " + event_id);
    cursor = std::move(page.cursor);
    for (auto& id : page.badge_ids) badge_ids.insert(std::move(id));
  } while (cursor != "0");
  rewrite.badges({badge_ids.begin(), badge_ids.end()});
  rewrite.persons(scan_keys(redis, store::state_key(event_id, "*")), {});
  const auto participant_prefix = store::participant_key(event_id, "");
  std::vector<std::string> participants;
  for (const auto& key_name : scan_keys(redis, participant_prefix + "*")) {
    participants.push_back(key_name.substr(participant_prefix.size()));
  }
  rewrite.participants(participants);
  rewrite.presence_ids({});
  rewrite.scan_outcomes({});
  rewrite.registry_answers();
  writer.flush();
  // The venues' records of this event's persons, before the last step so that a resumed run
  // does them too.
  for (const auto& [venue, persons] : report.venue_persons) {
    Writer venue_writer(redis, request.dry_run, false);
    rewrite.venue(venue, venue_writer);
  }

  report.shredded_ms = request.now_ms;
  if (request.dry_run) {
    rewrite.copy_log("", true);
    report.tally = rewrite.tally;
    report.outcome = ShredReport::Outcome::dry_run;
    return report;
  }
  // Last, in one transaction with the new log: the mark that it ran, the key thrown away, and
  // a new registry version so gateways rebuild their in-memory attendee index (which holds
  // names) from the rewritten registry.
  swap_log(redis, event_id, rewrite, {"*"}, {}, [&] {
    return std::vector<Command>{store::shredded_write(event_id, request.now_ms),
                                store::shred_key_delete(event_id),
                                store::registry_version_bump(event_id)};
  });
  report.tally = rewrite.tally;
  return report;
}

std::string export_person(redis::SyncSession& redis, const std::string& event_id,
                          const PersonSelector& who, std::int64_t now_ms) {
  const auto person = find_person(redis, event_id, who);
  boost::json::object doc;
  doc["event_id"] = event_id;
  doc["person"] = person.id;
  doc["exported_at"] = time_of(now_ms);
  boost::json::array badges;
  for (const auto& id : person.badges) {
    badges.push_back(
        {{"badge_id", id},
         {"record",
          object_of(hash_of(redis.query(store::badge_hash_read(event_id, id)), "badge " + id))}});
  }
  doc["badges"] = std::move(badges);
  if (!person.badges.empty()) {
    boost::json::object attendance;
    attendance["state"] = object_of(hash_of(redis, store::state_key(event_id, person.id)));
    attendance["inside"] = is_member(redis, store::inside_key(event_id), person.id);
    attendance["onsite"] = is_member(redis, store::onsite_key(event_id), person.id);
    attendance["remote_badges"] = is_member(redis, store::remote_badges_key(event_id), person.id);
    doc["attendance"] = std::move(attendance);
  }
  boost::json::array participants;
  const auto held_keys = scan_keys(redis, store::held_key(event_id, "*"));
  for (const auto& id : person.participants) {
    boost::json::object held;
    for (const auto& key : held_keys) {
      if (auto count = field_of(redis, key, id)) {
        held[key.substr(store::held_key(event_id, "").size())] = *count;
      }
    }
    participants.push_back(
        {{"participant_id", id},
         {"record", object_of(hash_of(redis, store::participant_key(event_id, id)))},
         {"remote", is_member(redis, store::remote_key(event_id), id)},
         {"connections_held", std::move(held)}});
  }
  doc["participants"] = std::move(participants);
  boost::json::object outcomes, presence;
  for (const auto& id : person.scan_ids) {
    if (auto value = field_of(redis, store::scan_ids_key(event_id), id)) {
      outcomes[id] = parsed_or_text(*value);
    }
  }
  for (const auto& id : person.presence_ids) {
    if (auto value = field_of(redis, store::presence_ids_key(event_id), id)) {
      presence[id] = *value;
    }
  }
  doc["scan_outcomes"] = std::move(outcomes);
  doc["presence_items"] = std::move(presence);
  // What the registration desk remembers of requests about them.
  std::set<std::string> subjects(person.badges.begin(), person.badges.end());
  subjects.insert(person.id);
  const auto scope = privacy::Scope::person(subjects, {});
  const privacy::Pseudonyms unused(privacy::Pseudonyms::Key{});
  const privacy::Rewriter matcher(unused, scope);
  boost::json::object answers;
  for (const auto& [field, value] : hash_fields(redis, store::registry_requests_key(event_id))) {
    if (matcher.registry_answer_mentions(value)) answers[field] = parsed_or_text(value);
  }
  doc["registry_requests"] = std::move(answers);
  boost::json::array log;
  for (const auto& entry : person.entries) {
    log.push_back({{"id", entry.id}, {"fields", object_of(entry.fields)}});
  }
  doc["log"] = std::move(log);
  boost::json::array venues;
  for (const auto& [venue, count] : venues_of(redis, event_id)) {
    if (auto country = field_of(redis, store::venue_persons_key(venue), person.id)) {
      venues.push_back({{"venue", venue}, {"person", person.id}, {"country", *country}});
    }
  }
  doc["venue_persons"] = std::move(venues);
  if (auto country = field_of(redis, store::persons_key(event_id), person.id)) {
    doc["person_link"] = {{"person", person.id}, {"country", *country}};
  }
  return boost::json::serialize(doc);
}

ErasureReport erase_person(redis::SyncSession& redis, const std::string& event_id,
                           const PersonSelector& who, std::int64_t now_ms) {
  ErasureReport report;
  Person person;
  try {
    person = find_person(redis, event_id, who);
  } catch (const AdminError& e) {
    if (std::string_view(e.what()).find("already erased") == std::string_view::npos) throw;
    report.already_erased = true;
    report.person = !who.badge_id.empty()    ? who.badge_id
                    : !who.person_id.empty() ? who.person_id
                                             : who.participant_id;
    return report;
  }
  report.person = person.id;
  report.badges = person.badges.size();
  report.participants = person.participants.size();
  std::set<std::string> subjects(person.badges.begin(), person.badges.end());
  if (!person.badges.empty()) subjects.insert(person.id);
  const auto scope = privacy::Scope::person(
      subjects, std::set<std::string>(person.participants.begin(), person.participants.end()),
      person.names);
  // The key never leaves this process: pseudonyms of one erasure are linkable to nothing.
  const privacy::Pseudonyms names(privacy::Pseudonyms::random_key());
  const privacy::Rewriter rewriter(names, scope);
  Writer writer(redis, false, true);
  Rewrite rewrite(redis, event_id, rewriter, scope, writer);

  // A change to any of the person's records while this runs (a scan of their badge, a join)
  // leaves a log entry naming them: the last step then starts again with fresh reads.
  std::vector<std::string> ids(subjects.begin(), subjects.end());
  ids.insert(ids.end(), person.participants.begin(), person.participants.end());
  std::vector<std::string> texts;
  for (const auto& name : person.names) {
    std::string folded = name;
    for (auto& c : folded) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (folded.size() >= 3) texts.push_back(folded);
  }
  std::vector<std::string> marks;
  for (const auto& id : subjects) marks.push_back(privacy::erased_mark(event_id, id));
  for (const auto& id : person.participants) marks.push_back(privacy::erased_mark(event_id, id));

  report.attempts = swap_log(redis, event_id, rewrite, ids, texts, [&] {
    const auto log_tally = rewrite.tally;  // the log copy's counts so far
    rewrite.tally = {};
    rewrite.badges(person.badges);
    std::vector<std::string> state_keys;
    for (const auto& id : subjects) {
      const auto key = store::state_key(event_id, id);
      if (stored(store::read_exists(redis.query(store::key_exists_read(key))), key)) {
        state_keys.push_back(key);
      }
    }
    rewrite.persons(state_keys, {subjects.begin(), subjects.end()});
    rewrite.participants(person.participants);
    if (!person.participants.empty()) rewrite.presence_ids(person.presence_ids);
    rewrite.scan_outcomes(person.scan_ids);
    rewrite.registry_answers();
    auto state_tally = rewrite.tally;
    state_tally.log_entries = log_tally.log_entries;
    state_tally.log_total = log_tally.log_total;
    state_tally.notes = log_tally.notes;
    rewrite.tally = state_tally;
    auto commands = writer.take();
    commands.push_back(store::erased_marks_add(event_id, marks));
    commands.push_back(store::registry_version_bump(event_id));
    commands.push_back(store::erased_write(event_id, now_ms));
    return commands;
  });
  // The venues' records of them: another slot, so a transaction of its own.
  for (const auto& [venue, persons] : venues_of(redis, event_id)) {
    Writer venue_writer(redis, false, false);
    rewrite.venue(venue, venue_writer);
  }
  report.tally = rewrite.tally;
  return report;
}

}  // namespace rollcall::tools::admin
