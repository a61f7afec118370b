#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "rollcall/v1/rollcall.pb.h"

namespace rollcall::services::registry {

// An event file or a stored config that cannot be used; what() is one line for people.
class EventConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The event an import creates when nothing else is known: UTC, every date counts, any zone, the
// stakeholder categories of ARCHITECTURE.md (ministers, regulators and UN as headline figures).
rollcall::v1::Event default_event(std::string_view event_id);
std::vector<rollcall::v1::Category> default_categories();

bool is_valid_event_id(std::string_view id);      // [a-z0-9][a-z0-9_.-]{0,63}
bool is_valid_zone_id(std::string_view zone);     // [A-Za-z0-9_.-]{1,64}
bool is_valid_category_id(std::string_view id);   // [a-z0-9_]{1,32}
bool is_valid_day(std::string_view day);          // YYYY-MM-DD, a real calendar date
bool is_known_time_zone(std::string_view name);   // IANA name in the system's tz database
bool is_valid_clock_time(std::string_view text);  // HH:MM, 00:00 to 23:59

// A zone's capacity (zone_capacities) is 1 to this many people; the warning share defaults to
// kDefaultCapacityWarning when the event file leaves capacity_warning out.
inline constexpr int kMaxZoneCapacity = 1'000'000;
inline constexpr double kDefaultCapacityWarning = 0.9;

// Every problem with the event, one sentence each; empty when it is usable.
std::vector<std::string> validate_event(const rollcall::v1::Event& event);

// Parses an event file (protobuf JSON mapping of rollcall.v1.Event; proto or camelCase field
// names; unknown fields are an error so that typos surface) and validates it. Missing pieces
// take their defaults: event_id from `expected_event_id`, time_zone "UTC", the default
// categories. When both ids are given they must match. Throws EventConfigError.
rollcall::v1::Event parse_event_json(std::string_view json,
                                     std::string_view expected_event_id = {});
// The stored config (the event hash's config field, as the importer wrote it), read by every
// reader alike (the gateway's event directory, rollcall-export, the admin tools): the rules of
// parse_event_json for event `event_id`, except that unknown fields are skipped (a newer
// importer may have written them). Throws EventConfigError.
rollcall::v1::Event parse_stored_event(std::string_view json, std::string_view event_id);
rollcall::v1::Event load_event_file(const std::string& path,
                                    std::string_view expected_event_id = {});

// The stored form: proto JSON with proto field names, every field printed.
std::string event_to_json(const rollcall::v1::Event& event);

// ",a,b," (or "" when empty): the form of the event hash's days and zones fields, so that a
// Redis script can test membership with string.find(",x,").
std::string comma_list(const google::protobuf::RepeatedPtrField<std::string>& items);

}  // namespace rollcall::services::registry
