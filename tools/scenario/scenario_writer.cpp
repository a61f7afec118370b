#include "tools/scenario/scenario_writer.h"

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include <boost/json.hpp>

#include "services/registry/event_config.h"

namespace rollcall::tools::scenario {
namespace {

namespace json = boost::json;

std::ofstream open(const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path.string());
  return out;
}

void close(std::ofstream& out, const std::filesystem::path& path) {
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

void write_event(const std::filesystem::path& path, const rollcall::v1::Event& event) {
  auto out = open(path);
  out << services::registry::event_to_json(event) << '\n';
  close(out, path);
}

void write_registry(const std::filesystem::path& path, const Population& population) {
  std::vector<const Person*> registered;
  for (const auto& person : population.people) {
    if (!person.badge_id.empty()) registered.push_back(&person);
  }
  // By badge id, so that the file's order says nothing about who comes and who does not.
  std::sort(registered.begin(), registered.end(),
            [](const Person* a, const Person* b) { return a->badge_id < b->badge_id; });
  // The person_id column only when someone has one (a venue's events), so that a single
  // event's file stays as it always was.
  const bool persons = std::any_of(registered.begin(), registered.end(),
                                   [](const Person* p) { return !p->person_id.empty(); });
  auto out = open(path);
  out << "badge_id,country,category,name,organization,revoked" << (persons ? ",person_id" : "")
      << '\n';
  for (const auto* p : registered) {
    out << p->badge_id << ',' << p->country << ',' << p->category << ',' << csv_field(p->name)
        << ',' << csv_field(p->organization) << ',' << (p->role == Role::revoked ? "1" : "0");
    if (persons) out << ',' << p->person_id;
    out << '\n';
  }
  close(out, path);
}

std::string timeline_line(const Action& action, const EventClock& clock) {
  json::object line;
  line["t_ms"] = action.t_ms;
  if (action.is_scan) {
    const auto& s = action.scan;
    line["type"] = "scan";
    line["desk"] = s.desk_id;
    line["scan"] = {{"scan_id", s.scan_id},
                    {"badge_id", s.badge_id},
                    {"desk_id", s.desk_id},
                    {"zone", s.zone},
                    {"direction", s.in ? "in" : "out"},
                    {"device_time", clock.rfc3339(s.device_ms)}};
  } else {
    const auto& p = action.presence;
    line["type"] = "presence";
    line["bridge"] = action.bridge;
    json::object event{{"presence_id", p.presence_id},
                       {"kind", p.join ? "join" : "leave"},
                       {"participant_id", p.participant_id}};
    if (!p.badge_id.empty()) event["badge_id"] = p.badge_id;
    if (!p.country.empty()) event["country"] = p.country;
    if (!p.category.empty()) event["category"] = p.category;
    event["platform"] = p.platform;
    event["session"] = p.session;
    event["time"] = clock.rfc3339(p.time_ms);
    line["event"] = std::move(event);
  }
  switch (action.note) {
    case Note::duplicate:
      line["note"] = "duplicate";
      break;
    case Note::offline_replay:
      line["note"] = "offline_replay";
      break;
    case Note::eve:
      line["note"] = "eve";
      break;
    case Note::unknown_badge:
      line["note"] = "unknown_badge";
      break;
    case Note::malformed:
      line["note"] = "malformed";
      break;
    case Note::revoked:
      line["note"] = "revoked";
      break;
    case Note::stray:
      line["note"] = "stray";
      break;
    case Note::none:
      break;
  }
  return json::serialize(line);
}

void write_timeline(const std::filesystem::path& path, const TimelineHeader& header,
                    const rollcall::v1::Event& event, const EventClock& clock,
                    const std::vector<Action>& actions) {
  auto out = open(path);
  json::array days;
  for (const auto& day : event.days()) days.emplace_back(day);
  json::object first{
      {"type", "header"},
      {"format", 1},
      {"scenario", header.scenario},
      {"seed", header.seed},
      {"scale", header.scale},
      {"event_id", event.event_id()},
      {"time_zone", event.time_zone()},
      {"days", std::move(days)},
      {"origin", clock.date_of_day(0)},
      {"scans",
       std::count_if(actions.begin(), actions.end(), [](const Action& a) { return a.is_scan; })},
      {"presence_events",
       std::count_if(actions.begin(), actions.end(), [](const Action& a) { return !a.is_scan; })}};
  out << json::serialize(first) << '\n';
  for (const auto& action : actions) out << timeline_line(action, clock) << '\n';
  close(out, path);
}

void write_truth(const std::filesystem::path& path, const boost::json::object& truth) {
  auto out = open(path);
  out << json::serialize(truth) << '\n';
  close(out, path);
}

}  // namespace rollcall::tools::scenario
