#include "services/privacy/record_rewrite.h"

#include <algorithm>

#include <boost/json.hpp>

namespace rollcall::services::privacy {
namespace {

bool contains(const std::vector<std::string_view>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

// Log fields that hold a badge or person id, in every kind of entry that has them.
const std::vector<std::string_view> kSubjectLogFields = {"badge_id", "new_badge_id", "person"};

// Registry answer fields (services/store/rollcall.lua registry_answer).
const std::vector<std::string_view> kRegistryAnswerSubjects = {"badge_id", "person", "replaced",
                                                               "detail"};
const std::vector<std::string_view> kRegistryAnswerRemoved = {"name", "organization"};

// ASCII letters folded; other bytes (UTF-8 included) compared as they are.
std::string lowercase(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

const std::vector<std::string_view>& removed_badge_fields() {
  static const std::vector<std::string_view> kFields = {"name", "organization"};
  return kFields;
}

const std::vector<std::string_view>& linked_badge_fields() {
  static const std::vector<std::string_view> kFields = {"person", "replaced_by", "replaces"};
  return kFields;
}

const std::vector<std::string_view>& free_text_log_fields() {
  static const std::vector<std::string_view> kFields = {"note"};
  return kFields;
}

Scope Scope::everyone() {
  Scope scope;
  scope.everyone_ = true;
  return scope;
}

Scope Scope::person(std::set<std::string> subjects, std::set<std::string> participants,
                    std::vector<std::string> texts) {
  Scope scope;
  scope.subjects_ = std::move(subjects);
  scope.participants_ = std::move(participants);
  for (auto& text : texts) {
    // Too short to be a name: matching it would empty notes that do not name the person.
    if (text.size() < 3) continue;
    scope.texts_.push_back(lowercase(text));
  }
  return scope;
}

bool Scope::covers_text(std::string_view text) const {
  if (text.empty()) return false;
  if (everyone_) return true;
  const auto folded = lowercase(text);
  for (const auto& t : texts_) {
    if (folded.find(t) != std::string::npos) return true;
  }
  return false;
}

bool Scope::covers_subject(std::string_view id) const {
  if (id.empty()) return false;
  return everyone_ || subjects_.contains(std::string(id));
}

bool Scope::covers_participant(std::string_view id) const {
  if (id.empty()) return false;
  return everyone_ || participants_.contains(std::string(id));
}

bool is_marker_presence_id(std::string_view id) {
  return id == "resync" || id == "ticket" || id.starts_with("lease:");
}

std::string Rewriter::subject(std::string_view id) const {
  return scope_.covers_subject(id) ? names_.of(IdKind::subject, id) : std::string(id);
}

std::string Rewriter::participant(std::string_view id) const {
  return scope_.covers_participant(id) ? names_.of(IdKind::participant, id) : std::string(id);
}

std::string Rewriter::presence(std::string_view id, std::string_view participant_id) const {
  if (id.empty() || is_marker_presence_id(id)) return std::string(id);
  if (!scope_.is_everyone() && !scope_.covers_participant(participant_id)) return std::string(id);
  return names_.of(IdKind::presence, id);
}

std::string Rewriter::venue_person(std::string_view event_id, std::string_view vp) const {
  const std::string prefix = std::string(event_id) + "/";
  if (!vp.starts_with(prefix)) return std::string(vp);
  const auto rest = vp.substr(prefix.size());
  if (rest.starts_with("~")) return prefix + "~" + participant(rest.substr(1));
  return prefix + subject(rest);
}

std::string Rewriter::venue_participant(std::string_view event_id, std::string_view key) const {
  const std::string prefix = std::string(event_id) + "/";
  if (!key.starts_with(prefix)) return std::string(key);
  return prefix + participant(key.substr(prefix.size()));
}

bool Rewriter::mentions(const exporting::LogEntry& entry) const {
  for (const auto& [name, value] : entry.fields) {
    if (contains(kSubjectLogFields, name) && scope_.covers_subject(value)) return true;
    if (name == "participant_id" && scope_.covers_participant(value)) return true;
    if (contains(free_text_log_fields(), name) && scope_.covers_text(value)) return true;
  }
  return false;
}

exporting::LogEntry Rewriter::entry(const exporting::LogEntry& entry) const {
  if (!mentions(entry)) return entry;
  exporting::LogEntry out;
  out.id = entry.id;
  out.fields.reserve(entry.fields.size());
  const auto participant_id = entry.get("participant_id");
  for (const auto& [name, value] : entry.fields) {
    std::string replaced;
    if (contains(kSubjectLogFields, name)) {
      replaced = subject(value);
    } else if (name == "participant_id") {
      replaced = participant(value);
    } else if (name == "presence_id") {
      replaced = presence(value, participant_id);
    } else if (contains(free_text_log_fields(), name)) {
      replaced = "";
    } else {
      replaced = value;
    }
    out.fields.emplace_back(name, std::move(replaced));
  }
  return out;
}

Fields Rewriter::badge(const Fields& fields) const {
  Fields out;
  out.reserve(fields.size());
  for (const auto& [name, value] : fields) {
    if (contains(removed_badge_fields(), name)) continue;
    out.emplace_back(name, contains(linked_badge_fields(), name) ? subject(value) : value);
  }
  return out;
}

Fields Rewriter::participant_record(const Fields& fields) const {
  Fields out = fields;
  for (auto& [name, value] : out) {
    if (name == "badge_id") value = subject(value);
  }
  return out;
}

std::string Rewriter::scan_outcome(std::string_view json) const {
  boost::system::error_code ec;
  auto value = boost::json::parse(json, ec);
  if (ec || !value.is_object()) return std::string(json);  // not ours to judge: left as it is
  auto& object = value.as_object();
  if (auto* b = object.if_contains("b"); b && b->is_string()) {
    *b = subject(std::string_view(b->as_string()));
  }
  return boost::json::serialize(value);
}

std::string Rewriter::registry_answer(std::string_view json) const {
  boost::system::error_code ec;
  auto value = boost::json::parse(json, ec);
  if (ec || !value.is_object()) return std::string(json);
  auto& object = value.as_object();
  if (!scope_.is_everyone() && !registry_answer_mentions(json)) return std::string(json);
  for (const auto name : kRegistryAnswerRemoved) {
    if (auto* field = object.if_contains(name)) *field = "";
  }
  for (const auto name : kRegistryAnswerSubjects) {
    if (auto* field = object.if_contains(name); field && field->is_string()) {
      *field = subject(std::string_view(field->as_string()));
    }
  }
  return boost::json::serialize(value);
}

bool Rewriter::registry_answer_mentions(std::string_view json) const {
  boost::system::error_code ec;
  const auto value = boost::json::parse(json, ec);
  if (ec || !value.is_object()) return false;
  for (const auto name : kRegistryAnswerSubjects) {
    const auto* field = value.as_object().if_contains(name);
    if (field && field->is_string() &&
        scope_.covers_subject(std::string_view(field->as_string()))) {
      return true;
    }
  }
  return false;
}

std::vector<std::pair<std::string, std::size_t>> Tally::lines() const {
  return {{"badge records rewritten", badges},
          {"names removed", names},
          {"organizations removed", organizations},
          {"badge/person links pseudonymized", person_links},
          {"registry set members pseudonymized", badge_set_members},
          {"person states renamed", person_states},
          {"inside/onsite/remote_badges members pseudonymized", person_set_members},
          {"participant records renamed", participants},
          {"remote participant members pseudonymized", remote_members},
          {"held connections pseudonymized", held_connections},
          {"presence ids pseudonymized", presence_ids},
          {"stored scan outcomes rewritten", scan_outcomes},
          {"registry answers rewritten", registry_answers},
          {"log entries rewritten", log_entries},
          {"free-text notes emptied", notes},
          {"venue records pseudonymized", venue_records}};
}

}  // namespace rollcall::services::privacy
