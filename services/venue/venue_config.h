#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// A venue groups co-located events (docs/venues.md). Its config is stored as JSON in
// {@VENUE}:venue `config`: {"id":"geneva","name":"Palexpo, Geneva","events":["wsis20","aifg25"]}
// and the member list again as `events` = ",wsis20,aifg25,".
namespace rollcall::services::venue {

inline constexpr std::size_t kMaxVenueEvents = 32;
inline constexpr std::size_t kMaxVenueNameBytes = 200;

struct VenueConfig {
  std::string id;
  std::string name;
  std::vector<std::string> events;  // member event ids, in the organizer's order
};

// A config, or the one-line reason it is none (bounded; client text quoted with quote_input).
struct VenueConfigResult {
  std::optional<VenueConfig> config;
  std::string error;
};

// Every problem with `config`, one sentence each; empty when usable: the id and every event id
// follow the event-id rule, 1 to kMaxVenueEvents events, no event twice, the name valid UTF-8 of
// at most kMaxVenueNameBytes.
std::vector<std::string> validate_venue(const VenueConfig& config);

// Parses the stored JSON (unknown fields refused, so typos surface) and validates it.
VenueConfigResult parse_venue_config(std::string_view json);

// The stored JSON of a config (what parse_venue_config reads back).
std::string venue_config_json(const VenueConfig& config);

// The stored member list: ",E1,E2,".
std::string member_list(const VenueConfig& config);
// The member ids of a stored list (",E1,E2,"), in order; ids that break the rule are left out.
std::vector<std::string> parse_member_list(std::string_view list);

// GET /v1/venues/V: {"id","name","events":[{"id":E,"name":N},...]} where N is the event's name
// (empty when the event is not imported). `event_names` pairs event ids with names.
std::string venue_info_json(const VenueConfig& config,
                            const std::vector<std::pair<std::string, std::string>>& event_names);

}  // namespace rollcall::services::venue
