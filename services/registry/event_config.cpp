#include "services/registry/event_config.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <date/date.h>
#include <date/tz.h>
#include <google/protobuf/util/json_util.h>

#include "services/registry/utf8.h"

namespace rollcall::services::registry {

namespace {

bool lower_or_digit(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool alnum(char c) {
  return lower_or_digit(c) || (c >= 'A' && c <= 'Z');
}

rollcall::v1::Category category(std::string id, std::string label, bool headline) {
  rollcall::v1::Category c;
  c.set_id(std::move(id));
  c.set_label(std::move(label));
  c.set_headline(headline);
  return c;
}

std::string quoted(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

}  // namespace

std::vector<rollcall::v1::Category> default_categories() {
  return {
      category("minister", "Ministers and deputy ministers", true),
      category("regulator", "Regulators", true),
      category("un", "UN system", true),
      category("private_sector", "Private sector", false),
      category("civil_society", "Civil society", false),
      category("youth", "Youth", false),
      category("technical", "Technical community", false),
      category("academia", "Academia", false),
      category("media", "Media", false),
      category("other", "Other", false),
  };
}

rollcall::v1::Event default_event(std::string_view event_id) {
  rollcall::v1::Event event;
  event.set_event_id(std::string(event_id));
  event.set_time_zone("UTC");
  for (auto& c : default_categories()) *event.add_categories() = std::move(c);
  return event;
}

bool is_valid_event_id(std::string_view id) {
  if (id.empty() || id.size() > 64 || !lower_or_digit(id[0])) return false;
  for (char c : id) {
    if (!lower_or_digit(c) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

bool is_valid_zone_id(std::string_view zone) {
  if (zone.empty() || zone.size() > 64) return false;
  for (char c : zone) {
    if (!alnum(c) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

bool is_valid_category_id(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id) {
    if (!lower_or_digit(c) && c != '_') return false;
  }
  return true;
}

bool is_valid_day(std::string_view day) {
  if (day.size() != 10 || day[4] != '-' || day[7] != '-') return false;
  auto number = [&](std::size_t from, std::size_t len) {
    int n = 0;
    for (std::size_t i = from; i < from + len; ++i) {
      if (day[i] < '0' || day[i] > '9') return -1;
      n = n * 10 + (day[i] - '0');
    }
    return n;
  };
  const int y = number(0, 4), m = number(5, 2), d = number(8, 2);
  if (y < 0 || m < 0 || d < 0) return false;
  return date::year_month_day(date::year(y), date::month(static_cast<unsigned>(m)),
                              date::day(static_cast<unsigned>(d)))
      .ok();
}

bool is_valid_clock_time(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return false;
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!digit(text[0]) || !digit(text[1]) || !digit(text[3]) || !digit(text[4])) return false;
  return (text[0] - '0') * 10 + (text[1] - '0') < 24 && text[3] < '6';
}

bool is_known_time_zone(std::string_view name) {
  if (name.empty()) return false;
  try {
    date::locate_zone(name);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

std::vector<std::string> validate_event(const rollcall::v1::Event& event) {
  std::vector<std::string> problems;
  if (!is_valid_event_id(event.event_id())) {
    problems.push_back("event_id " + quoted(event.event_id()) +
                       " must be 1 to 64 characters of a-z, 0-9, '_', '.', '-', starting with a "
                       "letter or digit");
  }
  if (!is_known_time_zone(event.time_zone())) {
    problems.push_back("time_zone " + quoted(event.time_zone()) +
                       " is not a known IANA time zone (e.g. \"Europe/Zurich\", \"UTC\")");
  }
  std::set<std::string_view> seen;
  for (const auto& day : event.days()) {
    if (!is_valid_day(day)) {
      problems.push_back("day " + quoted(day) + " is not a real date in the form YYYY-MM-DD");
    } else if (!seen.insert(day).second) {
      problems.push_back("day " + quoted(day) + " is listed twice");
    }
  }
  seen.clear();
  for (const auto& zone : event.zones()) {
    if (!is_valid_zone_id(zone)) {
      problems.push_back("zone " + quoted(zone) +
                         " must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.', '-'");
    } else if (!seen.insert(zone).second) {
      problems.push_back("zone " + quoted(zone) + " is listed twice");
    }
  }
  for (const auto& [zone, label] : event.zone_labels()) {
    if (!seen.contains(zone)) {
      problems.push_back("zone_labels names zone " + quoted(zone) + ", which is not in zones");
    } else if (label.empty() || label.size() > 64 || !is_valid_utf8(label)) {
      problems.push_back("the label of zone " + quoted(zone) + " must be 1 to 64 bytes of UTF-8");
    }
  }
  // Capacities: a zone the desks can scan into, a head count a hall could hold.
  for (const auto& [zone, capacity] : event.zone_capacities()) {
    if (!is_valid_zone_id(zone)) {
      problems.push_back("zone_capacities names zone " + quoted(quote_input(zone, 64)) +
                         ", which is not a zone id (1 to 64 of A-Z, a-z, 0-9, '_', '.', '-')");
    } else if (!event.zones().empty() && !seen.contains(zone)) {
      problems.push_back("zone_capacities names zone " + quoted(zone) + ", which is not in zones");
    } else if (capacity < 1 || capacity > kMaxZoneCapacity) {
      problems.push_back("the capacity of zone " + quoted(zone) + " is " +
                         std::to_string(capacity) + "; it must be 1 to " +
                         std::to_string(kMaxZoneCapacity));
    }
  }
  if (event.has_capacity_warning()) {
    const double warning = event.capacity_warning();
    // NaN fails both comparisons, so it is refused too.
    if (!(warning > 0.0 && warning <= 1.0)) {
      std::ostringstream shown;
      shown << warning;
      problems.push_back("capacity_warning " + shown.str() +
                         " must be a share of the capacity above 0 and at most 1 (e.g. 0.9)");
    }
  }
  seen.clear();
  if (!event.day_reset().empty() && !is_valid_clock_time(event.day_reset())) {
    problems.push_back("day_reset " + quoted(event.day_reset()) + " is not a time HH:MM");
  }
  if (event.categories().empty()) problems.push_back("the event has no categories");
  for (const auto& c : event.categories()) {
    if (!is_valid_category_id(c.id())) {
      problems.push_back("category id " + quoted(c.id()) +
                         " must be 1 to 32 characters of a-z, 0-9, '_'");
    } else if (!seen.insert(c.id()).second) {
      problems.push_back("category " + quoted(c.id()) + " is listed twice");
    }
  }
  return problems;
}

namespace {

rollcall::v1::Event parse_event(std::string_view json, std::string_view expected_event_id,
                                bool ignore_unknown_fields) {
  rollcall::v1::Event event;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = ignore_unknown_fields;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &event, options);
  if (!status.ok()) {
    throw EventConfigError("not a rollcall.v1.Event in JSON: " + std::string(status.message()));
  }
  if (event.event_id().empty()) {
    event.set_event_id(std::string(expected_event_id));
  } else if (!expected_event_id.empty() && event.event_id() != expected_event_id) {
    throw EventConfigError("it is for event " + quoted(event.event_id()) + ", not " +
                           quoted(expected_event_id));
  }
  if (event.time_zone().empty()) event.set_time_zone("UTC");
  if (event.categories().empty()) {
    for (auto& c : default_categories()) *event.add_categories() = std::move(c);
  }
  // A file that marks no headline category still gets the ones a chair quotes (walls and
  // reports show them as cards); a file that marks any keeps exactly its own choice.
  const bool any_headline = std::any_of(event.categories().begin(), event.categories().end(),
                                        [](const auto& c) { return c.headline(); });
  if (!any_headline) {
    for (auto& c : *event.mutable_categories()) {
      c.set_headline(c.id() == "minister" || c.id() == "regulator" || c.id() == "un");
    }
  }
  const auto problems = validate_event(event);
  if (!problems.empty()) {
    std::string all = problems.front();
    for (std::size_t i = 1; i < problems.size(); ++i) all += "; " + problems[i];
    throw EventConfigError(all);
  }
  return event;
}

}  // namespace

rollcall::v1::Event parse_event_json(std::string_view json, std::string_view expected_event_id) {
  return parse_event(json, expected_event_id, false);
}

rollcall::v1::Event parse_stored_event(std::string_view json, std::string_view event_id) {
  return parse_event(json, event_id, true);
}

rollcall::v1::Event load_event_file(const std::string& path, std::string_view expected_event_id) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw EventConfigError("event file " + path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return parse_event_json(text.str(), expected_event_id);
  } catch (const EventConfigError& e) {
    throw EventConfigError("event file " + path + ": " + e.what());
  }
}

std::string event_to_json(const rollcall::v1::Event& event) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string json;
  // Printing a message we built cannot fail (no Any, no invalid UTF-8 after validation).
  (void)google::protobuf::util::MessageToJsonString(event, &json, options);
  return json;
}

std::string comma_list(const google::protobuf::RepeatedPtrField<std::string>& items) {
  if (items.empty()) return {};
  std::string out = ",";
  for (const auto& item : items) out += item + ",";
  return out;
}

}  // namespace rollcall::services::registry
