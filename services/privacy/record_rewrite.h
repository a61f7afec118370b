#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "services/export/log_entry.h"
#include "services/privacy/pseudonyms.h"

namespace rollcall::services::privacy {

using Fields = std::vector<std::pair<std::string, std::string>>;

// Badge hash fields that say who the person is: removed.
const std::vector<std::string_view>& removed_badge_fields();
// Badge hash fields that hold a badge or person id: pseudonymized (the links between badges of
// one person stay, so the person is still counted once).
const std::vector<std::string_view>& linked_badge_fields();
// Log fields of free text a desk typed (a check-in by hand's note): emptied.
const std::vector<std::string_view>& free_text_log_fields();

// Whose identifiers a rewrite replaces: everyone's (shredding an event) or one person's (an
// erasure): their badge and person ids ("subjects") and their participant ids.
class Scope {
 public:
  static Scope everyone();
  // `texts`: what identifies the person in free text (their name, organization): a note that
  // holds one of them (letters compared without case) is emptied, whoever's entry it is in.
  static Scope person(std::set<std::string> subjects, std::set<std::string> participants,
                      std::vector<std::string> texts = {});

  bool is_everyone() const { return everyone_; }
  bool covers_subject(std::string_view id) const;
  bool covers_participant(std::string_view id) const;
  const std::set<std::string>& subjects() const { return subjects_; }
  const std::set<std::string>& participants() const { return participants_; }
  // Whether free text names the person (always true for everyone's scope when not empty).
  bool covers_text(std::string_view text) const;

 private:
  bool everyone_ = false;
  std::set<std::string> subjects_, participants_;
  std::vector<std::string> texts_;  // lowercase
};

// Presence ids the Functions make themselves ("resync", "lease:HOLDER") and the ticket
// placeholder: not a sender's id, so never personal and kept as they are (the recount tells
// items from the Functions' own leaves by them).
bool is_marker_presence_id(std::string_view id);

// What counts as personal, applied to each kind of record. Every method is the identity on what
// the scope does not cover and on what is already pseudonymous, so applying it twice is applying
// it once.
class Rewriter {
 public:
  // Both must outlive the rewriter.
  Rewriter(const Pseudonyms& pseudonyms, const Scope& scope) : names_(pseudonyms), scope_(scope) {}

  std::string subject(std::string_view id) const;
  std::string participant(std::string_view id) const;
  // A presence id is the person's when its item's participant is.
  std::string presence(std::string_view id, std::string_view participant_id) const;

  // A venue person of this event as the venue's fold names it (docs/venues.md): "E/P" (P an
  // event person) or "E/~ID" (an online participant without a badge) is rewritten; a linked,
  // venue-wide person id (no "E/" prefix) belongs to the venue and is left.
  std::string venue_person(std::string_view event_id, std::string_view venue_person) const;
  // "E/participant_id" (the venue's key for an event's participant).
  std::string venue_participant(std::string_view event_id, std::string_view key) const;

  // Whether the entry names one of the scope's subjects or participants.
  bool mentions(const exporting::LogEntry& entry) const;
  // The entry with the scope's identifiers replaced and free text emptied (for entries it
  // mentions); same id, same fields in the same order.
  exporting::LogEntry entry(const exporting::LogEntry& entry) const;

  // A badge hash ({E}:badge:B): names and organizations removed, links pseudonymized.
  Fields badge(const Fields& fields) const;
  // A participant hash ({E}:participant:P): its badge_id pseudonymized.
  Fields participant_record(const Fields& fields) const;
  // A stored scan outcome ({E}:scan_ids value, JSON {s,b,z,...}): the badge id `b`.
  std::string scan_outcome(std::string_view json) const;
  // A remembered registry answer ({E}:registry_requests value, JSON): name and organization
  // emptied, badge_id, person, replaced and detail pseudonymized.
  std::string registry_answer(std::string_view json) const;
  // Whether a registry answer names one of the scope's subjects.
  bool registry_answer_mentions(std::string_view json) const;

 private:
  const Pseudonyms& names_;
  const Scope& scope_;
};

// What a rewrite removed or replaced, per kind, for the report and the tests.
struct Tally {
  std::size_t badges = 0;              // badge hashes rewritten
  std::size_t names = 0;               // non-empty names removed
  std::size_t organizations = 0;       // non-empty organizations removed
  std::size_t person_links = 0;        // person/replaced_by/replaces values pseudonymized
  std::size_t badge_set_members = 0;   // {E}:badges members
  std::size_t person_states = 0;       // {E}:state:P keys renamed
  std::size_t person_set_members = 0;  // {E}:inside, onsite, remote_badges members
  std::size_t participants = 0;        // {E}:participant:P keys renamed
  std::size_t remote_members = 0;      // {E}:remote members
  std::size_t held_connections = 0;    // {E}:held:H fields
  std::size_t presence_ids = 0;        // {E}:presence_ids fields
  std::size_t scan_outcomes = 0;       // {E}:scan_ids values
  std::size_t registry_answers = 0;    // {E}:registry_requests values
  std::size_t log_entries = 0;         // log entries rewritten
  std::size_t log_total = 0;           // log entries in all
  std::size_t notes = 0;               // free-text notes emptied
  std::size_t venue_records = 0;       // the venue's records of this event's persons

  // "kind: n" lines, one per kind, for people to read.
  std::vector<std::pair<std::string, std::size_t>> lines() const;
};

}  // namespace rollcall::services::privacy
