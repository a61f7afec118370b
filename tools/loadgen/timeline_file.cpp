#include "tools/loadgen/timeline_file.h"

#include <fstream>
#include <optional>
#include <stdexcept>
#include <unordered_map>

#include <google/protobuf/util/time_util.h>
#include <boost/json.hpp>

namespace rollcall::tools::loadgen {
namespace {

namespace json = boost::json;
using google::protobuf::util::TimeUtil;

std::string text(const json::object& o, std::string_view name) {
  const auto* value = o.if_contains(name);
  return value && value->is_string() ? std::string(value->get_string()) : std::string();
}

std::uint32_t intern(std::vector<std::string>& names,
                     std::unordered_map<std::string, std::uint32_t>& index,
                     const std::string& name) {
  const auto [it, added] = index.try_emplace(name, static_cast<std::uint32_t>(names.size()));
  if (added) names.push_back(name);
  return it->second;
}

google::protobuf::Timestamp moved(const std::string& rfc3339, const DayMapping& mapping) {
  google::protobuf::Timestamp at;
  if (!TimeUtil::FromString(rfc3339, &at)) throw std::runtime_error("bad time " + rfc3339);
  return TimeUtil::MillisecondsToTimestamp(mapping.map(TimeUtil::TimestampToMilliseconds(at)));
}

void read_header(const json::object& o, Timeline* timeline) {
  timeline->scenario = text(o, "scenario");
  timeline->event_id = text(o, "event_id");
  timeline->time_zone = text(o, "time_zone");
  if (const auto* days = o.if_contains("days"); days && days->is_array()) {
    for (const auto& day : days->get_array()) {
      if (day.is_string()) timeline->days.emplace_back(day.get_string());
    }
  }
}

}  // namespace

Timeline load_timeline_header(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::string line;
  std::getline(in, line);
  boost::system::error_code ec;
  const auto value = json::parse(line, ec);
  if (ec || !value.is_object() || text(value.get_object(), "type") != "header") {
    throw std::runtime_error(path + ": no header line; not a rollcall timeline");
  }
  Timeline timeline;
  read_header(value.get_object(), &timeline);
  return timeline;
}

Timeline load_timeline(const std::string& path, const std::string& last_day) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  Timeline timeline;
  std::optional<DayMapping> mapping;
  std::unordered_map<std::string, std::uint32_t> desk_index, bridge_index;
  std::string line;
  json::parser parser;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    const auto where = path + ":" + std::to_string(number) + ": ";
    boost::system::error_code ec;
    parser.reset();
    parser.write(line, ec);
    if (ec) throw std::runtime_error(where + "not JSON: " + ec.message());
    const auto value = parser.release();
    if (!value.is_object()) throw std::runtime_error(where + "not a JSON object");
    const auto& o = value.get_object();
    const auto type = text(o, "type");
    if (type == "header") {
      read_header(o, &timeline);
      mapping.emplace(timeline.time_zone, timeline.days, last_day);
      continue;
    }
    if (!mapping) throw std::runtime_error(where + "the header line must come first");
    TimelineItem item;
    const auto* t = o.if_contains("t_ms");
    if (!t || !t->is_int64()) throw std::runtime_error(where + "t_ms is missing");
    item.t_ms = t->get_int64();
    try {
      if (type == "scan") {
        const auto& s = o.at("scan").as_object();
        rollcall::v1::ScanRequest scan;
        scan.set_scan_id(text(s, "scan_id"));
        scan.set_badge_id(text(s, "badge_id"));
        scan.set_desk_id(text(s, "desk_id"));
        scan.set_zone(text(s, "zone"));
        scan.set_direction(text(s, "direction") == "out" ? rollcall::v1::out : rollcall::v1::in);
        if (const auto device = text(s, "device_time"); !device.empty()) {
          *scan.mutable_device_time() = moved(device, *mapping);
        }
        item.is_scan = true;
        item.link = intern(timeline.desks, desk_index, text(o, "desk"));
        item.index = static_cast<std::uint32_t>(timeline.scans.size());
        timeline.scans.push_back(std::move(scan));
      } else if (type == "presence") {
        const auto& e = o.at("event").as_object();
        rollcall::v1::PresenceEvent event;
        event.set_presence_id(text(e, "presence_id"));
        event.set_kind(text(e, "kind") == "leave" ? rollcall::v1::leave : rollcall::v1::join);
        event.set_participant_id(text(e, "participant_id"));
        event.set_badge_id(text(e, "badge_id"));
        event.set_country(text(e, "country"));
        event.set_category(text(e, "category"));
        event.set_platform(text(e, "platform"));
        event.set_session(text(e, "session"));
        if (const auto time = text(e, "time"); !time.empty()) {
          *event.mutable_time() = moved(time, *mapping);
        }
        item.is_scan = false;
        item.link = intern(timeline.bridges, bridge_index, text(o, "bridge"));
        item.index = static_cast<std::uint32_t>(timeline.presence.size());
        timeline.presence.push_back(std::move(event));
      } else {
        continue;  // later formats may add kinds of lines this loadgen does not replay
      }
    } catch (const std::exception& e) {
      throw std::runtime_error(where + e.what());
    }
    timeline.items.push_back(item);
  }
  if (!mapping) throw std::runtime_error(path + ": no header line; not a rollcall timeline");
  return timeline;
}

}  // namespace rollcall::tools::loadgen
