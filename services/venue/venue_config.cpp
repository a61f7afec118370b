#include "services/venue/venue_config.h"

#include <algorithm>
#include <set>

#include <boost/json.hpp>

#include "services/registry/event_config.h"
#include "services/registry/utf8.h"

namespace rollcall::services::venue {
namespace {

namespace json = boost::json;
using registry::is_valid_event_id;
using registry::quote_input;

}  // namespace

std::vector<std::string> validate_venue(const VenueConfig& config) {
  std::vector<std::string> problems;
  if (!is_valid_event_id(config.id)) {
    problems.push_back("venue id \"" + quote_input(config.id) +
                       "\" is not [a-z0-9][a-z0-9_.-]{0,63}");
  }
  if (config.name.size() > kMaxVenueNameBytes || !registry::is_valid_utf8(config.name)) {
    problems.push_back("venue name must be valid UTF-8 of at most " +
                       std::to_string(kMaxVenueNameBytes) + " bytes");
  }
  if (config.events.empty()) problems.push_back("a venue needs at least one event");
  if (config.events.size() > kMaxVenueEvents) {
    problems.push_back("a venue has at most " + std::to_string(kMaxVenueEvents) + " events");
  }
  std::set<std::string_view> seen;
  for (const auto& event : config.events) {
    if (!is_valid_event_id(event)) {
      problems.push_back("event id \"" + quote_input(event) +
                         "\" is not [a-z0-9][a-z0-9_.-]{0,63}");
    } else if (!seen.insert(event).second) {
      problems.push_back("event \"" + event + "\" is listed twice");
    }
    if (problems.size() > 5) break;  // bounded: the first few say enough
  }
  return problems;
}

VenueConfigResult parse_venue_config(std::string_view text) {
  VenueConfigResult result;
  boost::system::error_code ec;
  const auto value = json::parse(text, ec);
  if (ec || !value.is_object()) {
    result.error = "venue config is not a JSON object";
    return result;
  }
  VenueConfig config;
  for (const auto& [name, field] : value.as_object()) {
    if (name == "id" && field.is_string()) {
      config.id = field.as_string();
    } else if (name == "name" && field.is_string()) {
      config.name = field.as_string();
    } else if (name == "events" && field.is_array()) {
      if (field.as_array().size() > kMaxVenueEvents) {
        result.error = "a venue has at most " + std::to_string(kMaxVenueEvents) + " events";
        return result;
      }
      for (const auto& event : field.as_array()) {
        if (!event.is_string()) {
          result.error = "venue events must be event ids (strings)";
          return result;
        }
        config.events.emplace_back(event.as_string());
      }
    } else {
      result.error = "venue config field \"" + quote_input(name) + "\" is unknown or mistyped";
      return result;
    }
  }
  if (const auto problems = validate_venue(config); !problems.empty()) {
    result.error = problems.front();
    return result;
  }
  result.config = std::move(config);
  return result;
}

std::string venue_config_json(const VenueConfig& config) {
  json::object object;
  object["id"] = config.id;
  object["name"] = config.name;
  json::array events;
  for (const auto& event : config.events) events.emplace_back(event);
  object["events"] = std::move(events);
  return json::serialize(object);
}

std::string member_list(const VenueConfig& config) {
  std::string list = ",";
  for (const auto& event : config.events) list += event + ",";
  return list;
}

std::vector<std::string> parse_member_list(std::string_view list) {
  std::vector<std::string> events;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const auto item = list.substr(0, comma);
    if (is_valid_event_id(item) && std::find(events.begin(), events.end(), item) == events.end()) {
      events.emplace_back(item);
    }
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return events;
}

std::string venue_info_json(const VenueConfig& config,
                            const std::vector<std::pair<std::string, std::string>>& event_names) {
  json::object object;
  object["id"] = config.id;
  object["name"] = config.name;
  json::array events;
  for (const auto& event : config.events) {
    json::object item;
    item["id"] = event;
    const auto named = std::find_if(event_names.begin(), event_names.end(),
                                    [&](const auto& pair) { return pair.first == event; });
    item["name"] = named == event_names.end() ? std::string() : named->second;
    events.emplace_back(std::move(item));
  }
  object["events"] = std::move(events);
  return json::serialize(object);
}

}  // namespace rollcall::services::venue
