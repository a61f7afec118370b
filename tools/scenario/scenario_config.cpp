#include "tools/scenario/scenario_config.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "services/registry/event_config.h"

namespace rollcall::tools::scenario {
namespace {

namespace json = boost::json;

const json::value& member(const json::object& object, std::string_view name,
                          std::string_view where) {
  const auto* value = object.if_contains(name);
  if (!value)
    throw ScenarioError(std::string(where) + ": \"" + std::string(name) + "\" is missing");
  return *value;
}

const json::object& object_at(const json::object& object, std::string_view name,
                              std::string_view where) {
  const auto& value = member(object, name, where);
  if (!value.is_object()) {
    throw ScenarioError(std::string(where) + ": \"" + std::string(name) + "\" is not an object");
  }
  return value.get_object();
}

const json::array& array_at(const json::object& object, std::string_view name,
                            std::string_view where) {
  const auto& value = member(object, name, where);
  if (!value.is_array()) {
    throw ScenarioError(std::string(where) + ": \"" + std::string(name) + "\" is not an array");
  }
  return value.get_array();
}

double number(const json::value& value, std::string_view what) {
  if (value.is_int64()) return static_cast<double>(value.get_int64());
  if (value.is_uint64()) return static_cast<double>(value.get_uint64());
  if (value.is_double()) return value.get_double();
  throw ScenarioError(std::string(what) + " is not a number");
}

double number_at(const json::object& object, std::string_view name, std::string_view where) {
  return number(member(object, name, where), std::string(where) + "." + std::string(name));
}

std::int64_t count_at(const json::object& object, std::string_view name, std::string_view where) {
  const double value = number_at(object, name, where);
  if (value < 0 || value != std::floor(value)) {
    throw ScenarioError(std::string(where) + "." + std::string(name) +
                        " must be a whole number >= 0");
  }
  return static_cast<std::int64_t>(value);
}

double share_at(const json::object& object, std::string_view name, std::string_view where) {
  const double value = number_at(object, name, where);
  if (value < 0 || value > 1) {
    throw ScenarioError(std::string(where) + "." + std::string(name) + " must be within 0..1");
  }
  return value;
}

std::string string_of(const json::value& value, std::string_view what) {
  if (!value.is_string()) throw ScenarioError(std::string(what) + " is not a string");
  return std::string(value.get_string());
}

int clock_at(const json::object& object, std::string_view name, std::string_view where) {
  return parse_clock(
      string_of(member(object, name, where), std::string(where) + "." + std::string(name)));
}

std::pair<int, int> range_at(const json::object& object, std::string_view name,
                             std::string_view where) {
  const auto& array = array_at(object, name, where);
  const std::string what = std::string(where) + "." + std::string(name);
  if (array.size() != 2) throw ScenarioError(what + " must be [low, high]");
  const auto low = static_cast<int>(number(array[0], what));
  const auto high = static_cast<int>(number(array[1], what));
  if (low < 0 || high < low)
    throw ScenarioError(what + " must be [low, high] with 0 <= low <= high");
  return {low, high};
}

std::vector<double> weights_at(const json::object& object, std::string_view name,
                               std::string_view where, std::size_t size) {
  const auto& array = array_at(object, name, where);
  const std::string what = std::string(where) + "." + std::string(name);
  if (array.size() != size) {
    throw ScenarioError(what + " must have " + std::to_string(size) + " weights, one per day");
  }
  std::vector<double> weights;
  for (const auto& w : array) weights.push_back(number(w, what));
  return weights;
}

ClockSpread spread_at(const json::object& object, std::string_view where) {
  return {.mean = clock_at(object, "mean", where),
          .sd = static_cast<int>(number_at(object, "sd_minutes", where)),
          .earliest = clock_at(object, "earliest", where),
          .latest = clock_at(object, "latest", where)};
}

bool has_category(const rollcall::v1::Event& event, const std::string& id) {
  return std::any_of(event.categories().begin(), event.categories().end(),
                     [&](const auto& c) { return c.id() == id; });
}

OnsiteModel parse_onsite(const json::object& o, const rollcall::v1::Event& event) {
  constexpr std::string_view where = "onsite";
  OnsiteModel m;
  m.participants = count_at(o, "participants", where);
  m.countries = static_cast<int>(count_at(o, "countries", where));
  for (const auto& [id, value] : object_at(o, "exact_categories", where)) {
    const std::string category(id);
    if (!has_category(event, category)) {
      throw ScenarioError("onsite.exact_categories: \"" + category + "\" is not an event category");
    }
    m.exact_categories.emplace_back(
        category, count_at(object_at(o, "exact_categories", where), id, "onsite.exact_categories"));
  }
  for (const auto& id : array_at(o, "international_categories", where)) {
    m.international_categories.insert(string_of(id, "onsite.international_categories"));
  }
  for (const auto& [id, value] : object_at(o, "category_shares", where)) {
    const std::string category(id);
    if (!has_category(event, category)) {
      throw ScenarioError("onsite.category_shares: \"" + category + "\" is not an event category");
    }
    m.category_shares.emplace_back(category, number(value, "onsite.category_shares"));
  }
  for (const auto& [code, value] : object_at(o, "country_weights", where)) {
    m.country_weights.emplace_back(std::string(code), number(value, "onsite.country_weights"));
  }
  std::tie(m.tail_min, m.tail_max) = range_at(o, "tail_per_country", where);
  if (m.tail_min < 1) throw ScenarioError("onsite.tail_per_country must start at 1 or more");
  for (const auto& code : array_at(o, "no_delegation", where)) {
    m.no_delegation.insert(string_of(code, "onsite.no_delegation"));
  }
  m.no_shows = count_at(o, "no_shows", where);
  m.revoked = count_at(o, "revoked", where);
  const auto days = static_cast<std::size_t>(event.days_size());
  m.first_day_weights = weights_at(o, "first_day_weights", where, days);
  m.days_weights = weights_at(o, "days_weights", where, days);
  m.attend_probability = share_at(o, "attend_probability", where);
  const auto& arrival = object_at(o, "arrival", where);
  static_cast<ClockSpread&>(m.arrival) = spread_at(arrival, "onsite.arrival");
  m.arrival.late_share = share_at(arrival, "late_share", "onsite.arrival");
  m.arrival.late_from = clock_at(arrival, "late_from", "onsite.arrival");
  m.arrival.late_to = clock_at(arrival, "late_to", "onsite.arrival");
  const auto& lunch = object_at(o, "lunch", where);
  m.lunch = {.share = share_at(lunch, "share", "onsite.lunch"),
             .from = clock_at(lunch, "from", "onsite.lunch"),
             .to = clock_at(lunch, "to", "onsite.lunch"),
             .min_minutes = static_cast<int>(count_at(lunch, "min_minutes", "onsite.lunch")),
             .max_minutes = static_cast<int>(count_at(lunch, "max_minutes", "onsite.lunch"))};
  m.departure = spread_at(object_at(o, "departure", where), "onsite.departure");
  m.missed_exit = share_at(o, "missed_exit", where);
  m.missed_entry = share_at(o, "missed_entry", where);
  m.double_entry = share_at(o, "double_entry", where);
  m.side_event_share = share_at(o, "side_event_share", where);
  m.eve_scans = count_at(o, "eve_scans", where);
  return m;
}

RemoteModel parse_remote(const json::object& o, const rollcall::v1::Event& event) {
  constexpr std::string_view where = "remote";
  RemoteModel m;
  m.hybrid = count_at(o, "hybrid", where);
  m.registered_online_only = count_at(o, "registered_online_only", where);
  m.unregistered = count_at(o, "unregistered", where);
  m.no_country_share = share_at(o, "no_country_share", where);
  m.world_share = share_at(o, "world_share", where);
  for (const auto& [id, platform] : object_at(o, "bridges", where)) {
    m.bridges.emplace_back(std::string(id), string_of(platform, "remote.bridges"));
  }
  if (m.bridges.empty()) throw ScenarioError("remote.bridges: name at least one bridge");
  std::tie(m.sessions_min, m.sessions_max) = range_at(o, "sessions_per_person", where);
  m.early_leave = share_at(o, "early_leave", where);
  m.drop_rejoin = share_at(o, "drop_rejoin", where);
  m.missed_leave = share_at(o, "missed_leave", where);
  m.duplicate_share = share_at(o, "duplicate_share", where);
  m.stray_leaves = count_at(o, "stray_leaves", where);
  for (const auto& item : array_at(o, "sessions", where)) {
    if (!item.is_object()) throw ScenarioError("remote.sessions: every session is an object");
    const auto& s = item.get_object();
    Session session{.name = string_of(member(s, "name", "remote.sessions"), "session name"),
                    .day = static_cast<int>(count_at(s, "day", "remote.sessions")),
                    .start = clock_at(s, "start", "remote.sessions"),
                    .end = clock_at(s, "end", "remote.sessions"),
                    .weight = number_at(s, "weight", "remote.sessions")};
    if (const auto* storm = s.if_contains("storm"))
      session.storm = storm->is_bool() && storm->get_bool();
    if (session.day < 1 || session.day > event.days_size() || session.end <= session.start) {
      throw ScenarioError("remote.sessions: \"" + session.name +
                          "\" needs an event day and start < end");
    }
    m.sessions.push_back(std::move(session));
  }
  if (m.sessions.empty()) throw ScenarioError("remote.sessions: list at least one session");
  if (static_cast<std::size_t>(m.sessions_max) > m.sessions.size()) {
    throw ScenarioError("remote.sessions_per_person exceeds the number of sessions");
  }
  return m;
}

std::int64_t scale_count(std::int64_t count, double scale) {
  if (count == 0) return 0;
  return std::max<std::int64_t>(1, std::llround(static_cast<double>(count) * scale));
}

}  // namespace

int parse_clock(std::string_view text) {
  int hours = 0, minutes = 0;
  char extra = 0;
  const std::string copy(text);
  if (copy.size() != 5 || std::sscanf(copy.c_str(), "%2d:%2d%c", &hours, &minutes, &extra) != 2 ||
      hours < 0 || hours > 23 || minutes < 0 || minutes > 59) {
    throw ScenarioError("\"" + copy + "\" is not a time of day HH:MM");
  }
  return hours * 60 + minutes;
}

ScenarioConfig parse_scenario(std::string_view text) {
  boost::system::error_code ec;
  const auto root = json::parse(text, ec);
  if (ec) throw ScenarioError("the scenario is not JSON: " + ec.message());
  if (!root.is_object()) throw ScenarioError("the scenario must be a JSON object");
  const auto& o = root.get_object();
  ScenarioConfig config;
  config.name = string_of(member(o, "scenario", "scenario"), "scenario");
  // Optional, with wsis20's values as defaults (its files stay as they were).
  auto optional_text = [&](std::string_view name, std::string* into) {
    if (const auto* value = o.if_contains(name)) *into = string_of(*value, name);
  };
  optional_text("badge_prefix", &config.badge_prefix);
  optional_text("unknown_badge_prefix", &config.unknown_badge_prefix);
  optional_text("malformed_url", &config.malformed_url);
  if (config.badge_prefix.empty() || config.badge_prefix.size() > 40 ||
      config.unknown_badge_prefix.empty() || config.unknown_badge_prefix.size() > 40) {
    throw ScenarioError("badge_prefix and unknown_badge_prefix must be 1 to 40 characters");
  }
  if (config.badge_prefix == config.unknown_badge_prefix) {
    throw ScenarioError("unknown_badge_prefix must differ from badge_prefix");
  }
  try {
    config.event =
        services::registry::parse_event_json(json::serialize(member(o, "event", "scenario")));
  } catch (const services::registry::EventConfigError& e) {
    throw ScenarioError(std::string("event: ") + e.what());
  }
  if (config.event.days_size() == 0 || config.event.zones_size() == 0) {
    throw ScenarioError("event: a scenario needs its days and zones listed");
  }
  config.onsite = parse_onsite(object_at(o, "onsite", "scenario"), config.event);
  for (const auto& [zone, count] : object_at(o, "desks", "scenario")) {
    const std::string id(zone);
    if (std::find(config.event.zones().begin(), config.event.zones().end(), id) ==
        config.event.zones().end()) {
      throw ScenarioError("desks: \"" + id + "\" is not an event zone");
    }
    config.desks.emplace_back(id, static_cast<int>(number(count, "desks")));
  }
  if (config.desks.empty() || config.desks.front().first != config.event.zones(0)) {
    throw ScenarioError("desks: list the first zone (the main entrance) first");
  }
  for (const auto& item : array_at(o, "offline", "scenario")) {
    if (!item.is_object()) throw ScenarioError("offline: every period is an object");
    const auto& p = item.get_object();
    OfflinePeriod period{.desk = string_of(member(p, "desk", "offline"), "offline.desk"),
                         .day = static_cast<int>(count_at(p, "day", "offline")),
                         .from = clock_at(p, "from", "offline"),
                         .to = clock_at(p, "to", "offline")};
    if (period.day < 1 || period.day > config.event.days_size() || period.to <= period.from) {
      throw ScenarioError("offline: " + period.desk + " needs an event day and from < to");
    }
    config.offline.push_back(std::move(period));
  }
  config.duplicate_share = share_at(o, "duplicate_share", "scenario");
  config.unknown_badge_scans = count_at(o, "unknown_badge_scans", "scenario");
  config.malformed_scans = count_at(o, "malformed_scans", "scenario");
  std::tie(config.revoked_scans_min, config.revoked_scans_max) =
      range_at(o, "revoked_scans_per_badge", "scenario");
  config.remote = parse_remote(object_at(o, "remote", "scenario"), config.event);
  for (const auto& period : config.offline) {
    bool known = false;
    for (const auto& [zone, count] : config.desks) {
      const auto ids = desk_ids(config, zone);
      known = known || std::find(ids.begin(), ids.end(), period.desk) != ids.end();
    }
    if (!known) throw ScenarioError("offline: \"" + period.desk + "\" is not one of the desks");
  }
  std::int64_t exact = 0;
  for (const auto& [id, count] : config.onsite.exact_categories) exact += count;
  if (exact > config.onsite.participants) {
    throw ScenarioError("onsite.exact_categories add up to more than the participants");
  }
  if (config.remote.hybrid > config.onsite.participants) {
    throw ScenarioError("remote.hybrid is larger than the on-site participants");
  }
  return config;
}

ScenarioConfig load_scenario(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str());
}

ScenarioConfig scaled(ScenarioConfig config, double scale) {
  if (!(scale > 0)) throw ScenarioError("the scale must be a number above 0");
  auto& on = config.onsite;
  on.participants = scale_count(on.participants, scale);
  for (auto& [id, count] : on.exact_categories) count = scale_count(count, scale);
  std::int64_t exact = 0;
  for (const auto& [id, count] : on.exact_categories) exact += count;
  if (exact > on.participants) on.participants = exact;
  on.no_shows = scale_count(on.no_shows, scale);
  on.revoked = scale_count(on.revoked, scale);
  on.eve_scans = scale_count(on.eve_scans, scale);
  config.unknown_badge_scans = scale_count(config.unknown_badge_scans, scale);
  config.malformed_scans = scale_count(config.malformed_scans, scale);
  auto& re = config.remote;
  re.hybrid = std::min(scale_count(re.hybrid, scale), on.participants);
  re.registered_online_only = scale_count(re.registered_online_only, scale);
  re.unregistered = scale_count(re.unregistered, scale);
  re.stray_leaves = scale_count(re.stray_leaves, scale);
  return config;
}

std::vector<std::string> desk_ids(const ScenarioConfig& config, std::string_view zone) {
  std::vector<std::string> ids;
  for (const auto& [z, count] : config.desks) {
    if (z != zone) continue;
    for (int i = 1; i <= count; ++i) {
      char number[16];
      std::snprintf(number, sizeof number, "%02d", i);
      ids.push_back(z + "-" + number);
    }
  }
  return ids;
}

}  // namespace rollcall::tools::scenario
