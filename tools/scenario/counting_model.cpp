#include "tools/scenario/counting_model.h"

#include <algorithm>

#include <boost/json.hpp>

#include "services/checkin/scan_validator.h"
#include "tools/scenario/event_clock.h"

namespace rollcall::tools::scenario {
namespace {

namespace json = boost::json;

json::object to_json(const std::map<std::string, std::int64_t>& tally) {
  json::object object;
  for (const auto& [key, count] : tally) {
    if (count != 0) object[key] = count;
  }
  return object;
}

std::int64_t countries_in(const std::map<std::string, std::int64_t>& tally) {
  return std::count_if(tally.begin(), tally.end(),
                       [](const auto& entry) { return !entry.first.empty() && entry.second > 0; });
}

const char* note_name(Note note) {
  switch (note) {
    case Note::duplicate:
      return "duplicate";
    case Note::offline_replay:
      return "offline_replay";
    case Note::eve:
      return "eve";
    case Note::unknown_badge:
      return "unknown_badge";
    case Note::malformed:
      return "malformed";
    case Note::revoked:
      return "revoked";
    case Note::stray:
      return "stray";
    case Note::none:
      break;
  }
  return "none";
}

}  // namespace

CountingModel::CountingModel(const ScenarioConfig& config, const Population& population)
    : config_(config) {
  for (const auto& person : population.people) {
    if (person.badge_id.empty()) continue;
    registry_[person.badge_id] = {person.country, person.category, person.role == Role::revoked};
  }
  for (const auto& zone : config.event.zones()) zones_.insert(zone);
}

void CountingModel::apply(const Action& action) {
  if (action.note != Note::none) ++notes_[note_name(action.note)];
  if (action.is_scan) {
    ++scans_sent_;
    scan(action);
  } else {
    ++presence_sent_;
    presence(action);
  }
}

void CountingModel::leave_zone(BadgeState& state) {
  --inside_;
  --inside_by_zone_[state.zone];
  state.zone.clear();
  state.inside_day = 0;
}

// rollcall.lua's rollcall_scan, rule by rule.
std::string CountingModel::scan_status(const ScanAction& scan) {
  const int day = static_cast<int>(scan.device_ms / kDayMs);
  if (day < 1 || day > config_.event.days_size()) return "wrong_day";
  if (!zones_.count(scan.zone)) return "not_allowed";
  const auto badge = registry_.find(scan.badge_id);
  if (badge == registry_.end()) return "unknown_badge";
  if (badge->second.revoked) return "revoked";

  auto& state = badges_[scan.badge_id];
  // Still inside since an earlier day: that exit was missed; the person left overnight.
  if (!state.zone.empty() && state.inside_day != day) leave_zone(state);
  if (!scan.in) {
    if (state.zone.empty()) return "not_inside";
    leave_zone(state);
    return "exit";
  }
  if (state.zone == scan.zone) return "already_inside";
  std::string status;
  if (!state.zone.empty()) {  // moving between zones without an exit scan
    --inside_by_zone_[state.zone];
    status = "reentry";
  } else {
    ++inside_;
    if (state.last_day == day) {
      status = "reentry";
    } else {
      status = "accepted";
      const auto& [country, category, revoked] = badge->second;
      if (onsite_.insert(scan.badge_id).second) {
        ++onsite_by_country_[country];
        ++onsite_by_category_[category];
        if (remote_badges_.count(scan.badge_id)) ++hybrid_;
      }
      onsite_days_[scan.badge_id].insert(day);
      auto& today = days_[day];
      ++today.onsite;
      ++today.onsite_by_country[country];
      ++today.onsite_by_category[category];
      state.last_day = day;
    }
  }
  ++inside_by_zone_[scan.zone];
  state.zone = scan.zone;
  state.inside_day = day;
  return status;
}

void CountingModel::scan(const Action& action) {
  const auto& scan = action.scan;
  // The gateway refuses what is not a badge code before Redis sees it.
  if (!services::checkin::is_identifier(scan.badge_id)) {
    ++desk_results_["malformed"];
    return;
  }
  if (const auto seen = scan_results_.find(scan.scan_id); seen != scan_results_.end()) {
    ++desk_results_[seen->second];
    ++scan_replays_;
    return;
  }
  const auto status = scan_status(scan);
  scan_results_[scan.scan_id] = status;
  ++scans_by_status_[status];
  ++desk_results_[status];
}

// rollcall.lua's join and leave for one bridge ("bridge:ID" holds its participants).
std::string CountingModel::join(const std::string& holder, const PresenceAction& item, int day) {
  auto [it, first_sight] = participants_.try_emplace(item.participant_id);
  auto& participant = it->second;
  if (first_sight) {
    participant = {item.country, item.category, item.badge_id};
    if (const auto badge = registry_.find(item.badge_id); badge != registry_.end()) {
      participant.country = badge->second.country;
      participant.category = badge->second.category;
    }
  }
  ++held_[holder][item.participant_id];
  ++participant.connections;
  std::string status = "rejoined";
  if (first_sight) {
    status = "joined";
    ++remote_;
    ++remote_by_country_[participant.country];
    ++remote_by_category_[participant.category];
    if (!participant.badge_id.empty() && remote_badges_.insert(participant.badge_id).second &&
        onsite_.count(participant.badge_id)) {
      ++hybrid_;
    }
  }
  if (participant.days.insert(day).second) {
    auto& today = days_[day];
    ++today.remote;
    ++today.remote_by_country[participant.country];
    ++today.remote_by_category[participant.category];
  }
  if (participant.connections == 1) {
    ++online_;
    peak_online_ = std::max(peak_online_, online_);
  }
  return status;
}

std::string CountingModel::leave(const std::string& holder, const PresenceAction& item) {
  auto& held = held_[holder][item.participant_id];
  if (held <= 0) return "already_left";
  --held;
  auto& participant = participants_[item.participant_id];
  if (--participant.connections <= 0) {
    participant.connections = 0;
    --online_;
  }
  return "left";
}

void CountingModel::presence(const Action& action) {
  const auto& item = action.presence;
  if (const auto seen = presence_results_.find(item.presence_id); seen != presence_results_.end()) {
    ++presence_acks_[seen->second];
    ++presence_replays_;
    return;
  }
  const int day = static_cast<int>(action.t_ms / kDayMs);
  const auto holder = "bridge:" + action.bridge;
  const auto status = item.join ? join(holder, item, day) : leave(holder, item);
  presence_results_[item.presence_id] = status;
  ++presence_acks_[status];
}

CountingModel::Attendance CountingModel::attendance() const {
  Attendance a;
  for (const auto& [badge, days] : onsite_days_) a.onsite_days[badge] = days;
  for (const auto& [badge, state] : badges_) {
    if (!state.zone.empty()) a.inside.insert(badge);
  }
  for (const auto& [id, p] : participants_) {
    a.remote[id] = {.badge_id = p.badge_id,
                    .country = p.country,
                    .category = p.category,
                    .online = p.connections > 0};
  }
  return a;
}

json::object CountingModel::truth(const std::vector<std::string>& dates) const {
  json::object t;
  t["event_id"] = config_.event.event_id();
  t["scenario"] = config_.name;
  const auto onsite = static_cast<std::int64_t>(onsite_.size());
  t["onsite"] = onsite;
  t["remote"] = remote_;
  t["hybrid"] = hybrid_;
  t["participants"] = onsite + remote_ - hybrid_;
  t["countries_onsite"] = countries_in(onsite_by_country_);
  t["countries_remote"] = countries_in(remote_by_country_);
  std::map<std::string, std::int64_t> any = onsite_by_country_;
  for (const auto& [code, count] : remote_by_country_) any[code] += count;
  t["countries_any"] = countries_in(any);
  json::object headline;
  for (const auto& category : config_.event.categories()) {
    if (!category.headline()) continue;
    const auto found = onsite_by_category_.find(category.id());
    headline[category.id()] = found == onsite_by_category_.end() ? 0 : found->second;
  }
  t["headline"] = std::move(headline);
  t["onsite_by_country"] = to_json(onsite_by_country_);
  t["onsite_by_category"] = to_json(onsite_by_category_);
  t["remote_by_country"] = to_json(remote_by_country_);
  t["remote_by_category"] = to_json(remote_by_category_);
  t["inside_now"] = inside_;
  t["inside_by_zone"] = to_json(inside_by_zone_);
  t["scans_by_status"] = to_json(scans_by_status_);
  json::object days;
  json::object date_of;
  for (int day = 1; day <= config_.event.days_size(); ++day) {
    const auto key = "day" + std::to_string(day);
    date_of[key] = dates.at(static_cast<std::size_t>(day - 1));
    const auto found = days_.find(day);
    const Day empty;
    const auto& d = found == days_.end() ? empty : found->second;
    days[key] = {{"onsite", d.onsite},
                 {"onsite_by_country", to_json(d.onsite_by_country)},
                 {"onsite_by_category", to_json(d.onsite_by_category)},
                 {"remote", d.remote},
                 {"remote_by_country", to_json(d.remote_by_country)},
                 {"remote_by_category", to_json(d.remote_by_category)}};
  }
  t["dates"] = std::move(date_of);
  t["days"] = std::move(days);
  auto desk_results = to_json(desk_results_);
  t["desk_results"] = std::move(desk_results);
  t["scan_replays"] = scan_replays_;
  t["presence_acks"] = to_json(presence_acks_);
  t["presence_replays"] = presence_replays_;
  t["online_at_end"] = online_;
  t["peak_online_in_order"] = peak_online_;
  t["timeline"] = {
      {"scans", scans_sent_}, {"presence_events", presence_sent_}, {"notes", to_json(notes_)}};
  return t;
}

}  // namespace rollcall::tools::scenario
