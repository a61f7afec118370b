#include "services/export/counter_recount.h"

#include <algorithm>

#include "services/checkin/offline_verdict.h"
#include "services/checkin/scan_timing.h"
#include "services/export/local_time.h"

namespace rollcall::services::exporting {
namespace {

bool is_rejection(std::string_view status) {
  return status == "unknown_badge" || status == "revoked" || status == "invalid_signature" ||
         status == "wrong_day" || status == "not_allowed";
}

// The minute an accepted entry counts in arrivals: the same timing rule the desk channel
// applies (a plausible device time wins, so offline replays land when they happened).
std::string arrival_minute(const LogEntry& entry, const date::time_zone* zone) {
  const auto server_ms = entry.get_int("server_ms", entry.id_ms());
  v1::ScanRequest request;
  *request.mutable_device_time() = timestamp(entry.get_int("device_ms", server_ms));
  return checkin::scan_timing(request, server_ms, zone).minute;
}

}  // namespace

CounterRecount::CounterRecount(const v1::Event& event, const std::vector<v1::Badge>& registry)
    : zone_(zone_or_utc(event.time_zone())), people_(registry) {
  badges_.reserve(registry.size());
  for (const auto& badge : registry) badges_.emplace(badge.badge_id(), &badge);
}

void CounterRecount::feed(const LogEntry& entry) {
  const auto type = entry.get("type");
  if (type == "scan") {
    scan(entry);
  } else if (type == "reset_inside") {
    reset_inside(entry);
  } else if (type == "join" || type == "leave") {
    presence(entry);
  } else if (type == "badge_registered") {
    add("walk_ins");  // a walk-in registered at a desk
  } else if (type == "badge_replaced") {
    add("badges_replaced");  // nothing else: the person's attendance goes on unchanged
  } else if (type == "desk_forgotten") {
    // rollcall-admin removed the desk from the totals: its counters went, its scans stay.
    const std::string prefix = "desk:" + std::string(entry.get("desk_id")) + ":";
    for (const char* field : {"scans", "rejected", "late", "last_seen", "overturned", "manual"}) {
      counters_.erase(prefix + field);
    }
  }
}

void CounterRecount::leave(BadgeState& state) {
  add("inside", -1);
  add("inside:zone:" + state.zone, -1);
  state.zone.clear();
}

void CounterRecount::scan(const LogEntry& entry) {
  const std::string status(entry.get("status")), badge_id(entry.get("badge_id")),
      desk(entry.get("desk_id")), zone(entry.get("zone")), day(entry.get("day"));
  add("scans:" + status);
  // Beyond the event's desk limit, or from a forgotten desk, a scan counts without its desk.
  if (entry.get("desk_untracked").empty()) {
    add("desk:" + desk + ":scans");
    if (is_rejection(status)) add("desk:" + desk + ":rejected");
    if (entry.get("late") == "1") add("desk:" + desk + ":late");
    counters_["desk:" + desk + ":last_seen"] = entry.get_int("server_ms");
  }
  // A check-in by hand counts as a scan and, unless refused, as manual by its reason too.
  if (const auto manual = entry.get("manual"); !manual.empty() && !is_rejection(status)) {
    add("manual:" + std::string(manual));
    if (entry.get("desk_untracked").empty()) add("desk:" + desk + ":manual");
  }
  // A verdict the desk gave alone that this scan's status overturned.
  const auto offline = entry.get("offline_verdict");
  v1::ScanStatus parsed = v1::scan_status_unspecified;
  if ((offline == "admitted" || offline == "refused") && v1::ScanStatus_Parse(status, &parsed) &&
      (offline == "admitted") != checkin::lets_through(parsed)) {
    add(offline == "admitted" ? "offline:admitted_refused" : "offline:refused_admitted");
    if (entry.get("desk_untracked").empty()) add("desk:" + desk + ":overturned");
  }
  if (is_rejection(status)) return;

  // The person behind the badge: the log names it for a replacement badge; the registry knows it
  // too (for logs written before the field).
  const std::string person =
      entry.get("person").empty() ? people_.person_of(badge_id) : std::string(entry.get("person"));
  auto& state = state_[person];
  // Still inside from an earlier day: counted out before anything else.
  if (!state.zone.empty() && state.day != day) leave(state);
  if (status == "accepted" || status == "reentry") {
    if (state.zone.empty()) {
      add("inside");
    } else {
      add("inside:zone:" + state.zone, -1);  // moving between zones
    }
    add("inside:zone:" + zone);
    state.zone = zone;
    state.day = day;
  } else if (status == "exit" && !state.zone.empty()) {
    leave(state);
  }
  if (status != "accepted") return;

  const auto found = badges_.find(badge_id);
  const std::string country = found == badges_.end() ? "" : found->second->country();
  const std::string category = found == badges_.end() ? "" : found->second->category();
  if (onsite_.insert(person).second) {
    add("onsite");
    add("onsite:country:" + country);
    add("onsite:category:" + category);
    note_hybrid(person);
  }
  add("day:" + day + ":onsite");
  add("day:" + day + ":country:" + country);
  add("day:" + day + ":category:" + category);
  add("arrivals:" + arrival_minute(entry, zone_));
}

void CounterRecount::reset_inside(const LogEntry& entry) {
  const std::string day(entry.get("day"));
  for (auto& [person, state] : state_) {
    if (!state.zone.empty() && state.day < day) leave(state);
  }
}

void CounterRecount::presence(const LogEntry& entry) {
  // The presence function logs the participant's country and category (the registry's when the
  // participant names a badge), and the day and minute of the server's clock.
  const std::string status(entry.get("status")), day(entry.get("day"));
  auto& participant = participants_[std::string(entry.get("participant_id"))];
  const std::string country(entry.get("country")), category(entry.get("category"));
  const auto server_ms = entry.get_int("server_ms", entry.id_ms());
  // presence:STATUS counts the items senders sent; the leaves the functions make themselves
  // (an expired lease, a bridge's resync) are logged but are no item.
  if (entry.get("via") != "lease" && entry.get("presence_id") != "resync") {
    add("presence:" + status);
  }
  if (status == "joined") {
    add("remote");
    add("remote:country:" + country);
    add("remote:category:" + category);
    const std::string badge_id(entry.get("badge_id"));
    if (!badge_id.empty()) {
      const auto person = people_.person_of(badge_id);
      if (remote_badges_.insert(person).second) note_hybrid(person);
    }
  }
  if (status == "joined" || status == "rejoined") {
    if (participant.days.insert(day).second) {
      add("day:" + day + ":remote");
      add("day:" + day + ":remote_country:" + country);
      add("day:" + day + ":remote_category:" + category);
    }
    // Online counts people, not connections: a second device changes nothing.
    if (++participant.open == 1) {
      add("online");
      add("online:country:" + country);
      const auto online = counters_["online"];
      if (online > counters_["peak_online"]) {
        counters_["peak_online"] = online;
        counters_["peak_online_at"] = server_ms;
      }
      auto& day_peak = counters_["day:" + day + ":peak_online"];
      day_peak = std::max(day_peak, online);
    }
    add("joins:" + checkin::local_minute(server_ms, zone_));
  } else if (status == "left" && participant.open > 0) {
    // A lease that expired closes every connection its holder had: `count` says how many
    // (absent: one).
    participant.open = std::max<std::int64_t>(0, participant.open - entry.get_int("count", 1));
    if (participant.open == 0) {
      add("online", -1);
      add("online:country:" + country, -1);
    }
  }
}

void CounterRecount::note_hybrid(const std::string& person) {
  if (onsite_.contains(person) && remote_badges_.contains(person) &&
      hybrid_.insert(person).second) {
    add("hybrid");
  }
}

bool recounted_counter(const std::string& name) {
  static const char* const kExact[] = {"onsite",         "inside",   "remote",
                                       "online",         "hybrid",   "peak_online",
                                       "peak_online_at", "walk_ins", "badges_replaced"};
  static const char* const kPrefixes[] = {
      "onsite:", "day:",    "inside:zone:", "scans:",    "arrivals:", "desk:",
      "remote:", "online:", "joins:",       "presence:", "offline:",  "manual:"};
  for (const char* exact : kExact) {
    if (name == exact) return true;
  }
  for (const char* prefix : kPrefixes) {
    if (name.starts_with(prefix)) return true;
  }
  return false;
}

CounterComparison compare_counters(const std::map<std::string, std::int64_t>& live,
                                   const std::map<std::string, std::int64_t>& recount) {
  CounterComparison result;
  std::set<std::string> names;
  for (const auto& [name, value] : live) {
    if (recounted_counter(name)) {
      names.insert(name);
    } else {
      result.not_recounted.push_back(name);
    }
  }
  for (const auto& [name, value] : recount) names.insert(name);
  for (const auto& name : names) {
    const auto l = live.find(name), r = recount.find(name);
    const std::int64_t lv = l == live.end() ? 0 : l->second;
    const std::int64_t rv = r == recount.end() ? 0 : r->second;
    ++result.compared;
    if (lv != rv) result.differences.push_back({name, lv, rv});
  }
  return result;
}

}  // namespace rollcall::services::exporting
