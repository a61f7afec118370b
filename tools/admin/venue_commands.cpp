// rollcall-admin venue create|show: co-located events grouped under one venue, whose figures
// count each person once (docs/venues.md).
#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include "services/registry/event_config.h"
#include "services/registry/utf8.h"
#include "services/store/event_reads.h"
#include "services/store/key_commands.h"
#include "services/store/keys.h"
#include "services/store/venue_call.h"
#include "services/venue/venue_config.h"
#include "tools/admin/admin_store.h"
#include "tools/admin/commands.h"
#include "tools/admin/text_table.h"
#include "tools/cli/command_line.h"

namespace rollcall::tools::admin {
namespace {

namespace po = boost::program_options;
namespace store = services::store;

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = std::min(text.find(',', start), text.size());
    out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

// Person id -> country, from a hash of persons (store::persons_read, venue_persons_read).
std::map<std::string, std::string> read_persons(redis::SyncSession& redis,
                                                const std::vector<std::string>& read) {
  std::map<std::string, std::string> out;
  for (auto& [id, country] : stored(store::read_hash(redis.query(read)), "the linked persons")) {
    out.emplace(std::move(id), std::move(country));
  }
  return out;
}

std::string country_text(const std::string& country) {
  return country.empty() ? "no country" : country;
}

int create(int argc, char** argv) {
  const std::string program = "rollcall-admin venue create";
  po::options_description options(
      "Usage: rollcall-admin venue create --venue VENUE --name NAME --events E1,E2[,...]\n"
      "                                   [--redis URL]\n\n"
      "Groups co-located events under one venue: its figures (on site, online, unique people,\n"
      "by country, category and day) count a person linked across the events (the same\n"
      "person_id in their registries) once, live on the venue's displays. Run again with more\n"
      "events to add them; an event never leaves a venue (its people are in the figures).\n"
      "Refused, with nothing written, when one person id has two countries in the events.\n\n"
      "Options",
      100, 50);
  std::string redis_url, venue_id, name, events_text;
  // clang-format off
  options.add_options()
    ("help,h", "show this help and exit")
    ("venue", po::value(&venue_id)->value_name("VENUE"),
     "venue id, like an event id, e.g. palexpo-2025 (required)")
    ("name", po::value(&name)->value_name("NAME"), "shown on the venue wall (required)")
    ("events", po::value(&events_text)->value_name("E1,E2"),
     "the member events, comma-separated, each imported already (required)")
    ("redis", po::value(&redis_url)->value_name("URL")->default_value("redis://127.0.0.1:6379"),
     cli::kRedisUrlHelp);
  // clang-format on
  po::variables_map values;
  if (auto stop = cli::parse_command_line(program, argc, argv, options, options, &values)) {
    return *stop;
  }
  if (!values.count("venue")) return cli::usage_error(program, "--venue is required");
  if (!services::registry::is_valid_event_id(venue_id)) {
    return cli::usage_error(program,
                            "--venue must be 1 to 64 characters of a-z, 0-9, '_', '.', "
                            "'-', starting with a letter or digit");
  }
  if (!values.count("name") || name.empty() || name.size() > services::venue::kMaxVenueNameBytes ||
      !services::registry::is_valid_utf8(name) || std::any_of(name.begin(), name.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
      })) {
    return cli::usage_error(program,
                            "--name must be 1 to 200 bytes of UTF-8 text without "
                            "control characters");
  }
  if (!values.count("events")) return cli::usage_error(program, "--events is required");
  std::vector<std::string> events;
  for (const auto& e : split_commas(events_text)) {
    if (!services::registry::is_valid_event_id(e)) {
      return cli::usage_error(program, "--events: \"" + services::registry::quote_input(e) +
                                           "\" is not a valid event id");
    }
    if (std::find(events.begin(), events.end(), e) == events.end()) events.push_back(e);
  }
  if (events.size() > services::venue::kMaxVenueEvents) {
    return cli::usage_error(
        program, "--events: at most " + std::to_string(services::venue::kMaxVenueEvents));
  }

  std::string url_error;
  const auto url = redis::Url::parse(redis_url, &url_error);
  if (!url) return cli::usage_error(program, "--redis: " + url_error);
  redis::SyncSession redis(*url);

  for (const auto& e : events) {
    if (!stored(store::read_exists(redis.query(store::event_exists_read(e))),
                "whether event " + e + " exists")) {
      throw AdminError("event " + e + " does not exist: import its registry first");
    }
  }
  const auto before = venue_events(redis, venue_id);
  for (const auto& e : before) {
    if (std::find(events.begin(), events.end(), e) == events.end()) {
      throw AdminError("event " + e + " is in venue " + venue_id +
                       " and stays: its people are in the venue's figures (list it in --events)");
    }
  }

  // One person, one country across the venue: the links already made, then each event's.
  std::map<std::string, std::pair<std::string, std::string>> persons;  // id -> country, where
  for (const auto& [id, country] : read_persons(redis, store::venue_persons_read(venue_id))) {
    persons.emplace(id, std::make_pair(country, "venue " + venue_id));
  }
  std::vector<std::string> conflicts;
  std::map<std::string, int> events_of;  // person id -> how many member events list it
  for (const auto& e : events) {
    for (const auto& [id, country] : read_persons(redis, store::persons_read(e))) {
      ++events_of[id];
      const auto [it, inserted] = persons.emplace(id, std::make_pair(country, "event " + e));
      if (!inserted && it->second.first != country) {
        conflicts.push_back("person " + id + " is " + country_text(country) + " in event " + e +
                            " but " + country_text(it->second.first) + " in " + it->second.second);
      }
    }
  }
  if (!conflicts.empty()) {
    for (const auto& c : conflicts) std::cerr << c << '\n';
    throw AdminError(std::to_string(conflicts.size()) + " person link" +
                     (conflicts.size() == 1 ? "" : "s") +
                     " with two countries; nothing written (fix the registries and import them "
                     "again)");
  }

  const services::venue::VenueConfig venue{.id = venue_id, .name = name, .events = events};
  if (const auto problems = services::venue::validate_venue(venue); !problems.empty()) {
    return cli::usage_error(program, problems.front());
  }
  for (const auto& [id, value] : persons) {
    redis.append(store::venue_person_write(venue_id, id, value.first));
  }
  redis.append(store::venue_write(venue_id, services::venue::venue_config_json(venue),
                                  services::venue::member_list(venue)));
  // Last: a gateway starts folding the venue only once its config and persons are there.
  redis.append(store::venue_register(venue_id));
  redis.flush();
  const auto shared =
      std::count_if(events_of.begin(), events_of.end(), [](const auto& p) { return p.second > 1; });
  std::cout << (before.empty() ? "created" : "updated") << " venue " << venue_id << " with "
            << events.size() << " event" << (events.size() == 1 ? "" : "s") << "; "
            << persons.size() << " linked person" << (persons.size() == 1 ? "" : "s") << ", "
            << shared << " of them registered for more than one event\n";
  return 0;
}

int show(int argc, char** argv) {
  const std::string program = "rollcall-admin venue show";
  po::options_description options(
      "Usage: rollcall-admin venue show --venue VENUE [--redis URL]\n\n"
      "The venue's name and events, with each event's linked persons and how many persons the\n"
      "events share.\n\nOptions",
      100, 50);
  EventOptions venue;
  venue.venue_allowed = true;
  options.add_options()("help,h", "show this help and exit");
  venue.add_to(options);
  po::variables_map values;
  if (auto stop = cli::parse_command_line(program, argc, argv, options, options, &values)) {
    return *stop;
  }
  if (values.count("event")) return cli::usage_error(program, "give --venue, not --event");
  if (auto why = venue.check(values); !why.empty()) return cli::usage_error(program, why);
  auto redis = open_event(venue);
  const auto config =
      stored(store::read_field(redis.query(store::venue_config_read(venue.venue_id))),
             "the configuration of venue " + venue.venue_id);
  std::string name;
  if (config) {
    if (auto parsed = services::venue::parse_venue_config(*config); parsed.config) {
      name = parsed.config->name;
    }
  }
  std::cout << "venue " << venue.venue_id << (name.empty() ? "" : " (" + name + ")") << '\n';
  std::map<std::string, int> events_of;
  TextTable table({"EVENT", "BADGES", "LINKED PERSONS"});
  for (const auto& e : venue_events(redis, venue.venue_id)) {
    const auto persons = read_persons(redis, store::persons_read(e));
    for (const auto& [id, country] : persons) ++events_of[id];
    const auto badges =
        stored(store::read_count(redis.query(store::badge_count_read(e))), "the badges of " + e);
    table.add({e, std::to_string(badges), std::to_string(persons.size())});
  }
  table.print(std::cout);
  const auto shared =
      std::count_if(events_of.begin(), events_of.end(), [](const auto& p) { return p.second > 1; });
  std::cout << shared << " person" << (shared == 1 ? "" : "s")
            << " registered for more than one event\n";
  return 0;
}

}  // namespace

int venue_command(std::string_view action, int argc, char** argv) {
  if (action == "create") return create(argc, argv);
  if (action == "show") return show(argc, argv);
  return cli::usage_error("rollcall-admin venue",
                          "unknown action \"" + std::string(action) + "\" (create, show)");
}

}  // namespace rollcall::tools::admin
