#include "tests/services/export/event_fixture.h"

#include <date/tz.h>

#include <sstream>
#include <stdexcept>

#include "services/checkin/scan_outcome.h"
#include "services/checkin/scan_timing.h"
#include "services/presence/presence_items.h"
#include "services/registry/event_config.h"
#include "services/store/function_library.h"
#include "services/store/keys.h"

namespace rollcall::tests::exporting {
namespace {

namespace store = services::store;

const date::time_zone* zurich() {
  return date::locate_zone("Europe/Zurich");
}

struct Row {
  const char *id, *country, *category, *name, *organization, *revoked;
};
// Names in several scripts, and one with a comma and quotes, to test that exports keep them.
const Row kBadges[] = {
    {"A1", "CH", "minister", "Zoë Müller-Ångström", "Département fédéral", "0"},
    {"A2", "EG", "un", "محمد عبد الله", "الأمم المتحدة", "0"},
    {"A3", "CN", "regulator", "王小明", "中国电信管理局", "0"},
    {"A4", "FR", "youth", "Jean \"JJ\", Dupont", "Jeunesse, Inc.", "0"},
    {"A5", "", "un", "Ana Lima", "UNESCO", "0"},
    {"A6", "CH", "minister", "Revoked Person", "Org", "1"},
    {"A7", "BR", "media", "Beatriz Conceição", "Jornal", "0"},
};

}  // namespace

std::int64_t ExportEvent::at(const std::string& day, const std::string& clock) {
  std::istringstream in(day + " " + clock);
  date::local_seconds local;
  in >> date::parse("%F %R", local);
  if (in.fail()) throw std::invalid_argument("bad time " + day + " " + clock);
  const auto sys = zurich()->to_sys(local);
  return std::chrono::duration_cast<std::chrono::milliseconds>(sys.time_since_epoch()).count();
}

std::string ExportEvent::scan(const std::string& scan_id, const std::string& badge,
                              const std::string& dir, const std::string& zone,
                              std::int64_t device_ms, std::int64_t server_ms) {
  v1::ScanRequest request;
  request.set_scan_id(scan_id);
  request.set_badge_id(badge);
  request.set_desk_id(zone == "room" ? "desk-2" : "desk-1");
  request.set_zone(zone);
  request.set_direction(dir == "in" ? v1::in : v1::out);
  request.mutable_device_time()->set_seconds(device_ms / 1000);
  const auto timing = services::checkin::scan_timing(request, server_ms, zurich());
  const auto reply = redis_.command(
      services::checkin::scan_command(kEvent, request, timing, server_ms, 500).args());
  return reply.substr(0, reply.find('\n'));
}

void ExportEvent::reset_inside(const std::string& day) {
  redis_.command({"FCALL", std::string(store::kResetInsideFunction), "1", store::tag(kEvent), day});
}

ExportEvent::ExportEvent() {
  redis_.command({"FUNCTION", "LOAD", "REPLACE", std::string(store::function_library())});
  auto event = services::registry::default_event(kEvent);
  event.set_name("WSIS+20 Test");
  event.set_time_zone("Europe/Zurich");
  for (const char* day : {"2025-07-07", "2025-07-08", "2025-07-09"}) event.add_days(day);
  event.add_zones("hall");
  event.add_zones("room");
  redis_.command({"HSET", store::event_key(kEvent), "config",
                  services::registry::event_to_json(event), "days",
                  services::registry::comma_list(event.days()), "zones",
                  services::registry::comma_list(event.zones())});
  for (const auto& b : kBadges) {
    redis_.command({"HSET", store::badge_key(kEvent, b.id), "country", b.country, "category",
                    b.category, "name", b.name, "organization", b.organization, "revoked",
                    b.revoked});
    redis_.command({"SADD", store::badges_key(kEvent), b.id});
  }

  const std::string d1 = "2025-07-07", d2 = "2025-07-08", d3 = "2025-07-09";
  auto now = [](const std::string& day, const std::string& clock) { return at(day, clock); };
  auto live = [&](const std::string& id, const std::string& badge, const std::string& dir,
                  const std::string& zone, const std::string& day, const std::string& clock) {
    return scan(id, badge, dir, zone, now(day, clock), now(day, clock) + 400);
  };
  auto expect = [](const std::string& got, const std::string& want, const std::string& id) {
    if (got != want) throw std::logic_error(id + ": " + got + " instead of " + want);
  };
  // Day 1: A1 enters, leaves for lunch and comes back, and never scans out; A3 moves zones;
  // A4's entry was queued on an offline desk and arrives hours late.
  expect(live("s1", "A1", "in", "hall", d1, "09:00"), "accepted", "s1");
  expect(live("s2", "A2", "in", "hall", d1, "09:05"), "accepted", "s2");
  expect(live("s3", "A1", "out", "hall", d1, "12:00"), "exit", "s3");
  expect(live("s4", "A1", "in", "hall", d1, "13:00"), "reentry", "s4");
  expect(live("s5", "A1", "in", "hall", d1, "13:01"), "already_inside", "s5");
  expect(live("s6", "A3", "in", "room", d1, "10:00"), "accepted", "s6");
  expect(live("s7", "A3", "in", "hall", d1, "10:30"), "reentry", "s7");
  expect(live("s8", "A4", "out", "hall", d1, "11:00"), "not_inside", "s8");
  expect(live("s9", "A6", "in", "hall", d1, "11:05"), "revoked", "s9");
  expect(live("s10", "ZZZ", "in", "hall", d1, "11:10"), "unknown_badge", "s10");
  expect(scan("s11", "A4", "in", "hall", now(d1, "09:30"), now(d1, "15:00")), "accepted", "s11");
  expect(live("s12", "A2", "out", "hall", d1, "17:00"), "exit", "s12");
  expect(live("s1", "A1", "in", "hall", d1, "17:30"), "accepted", "s1 replayed");
  reset_inside(d2);  // counts out A1, A3 and A4
  // Day 2.
  expect(live("s13", "A1", "in", "hall", d2, "08:30"), "accepted", "s13");
  expect(live("s14", "A5", "in", "room", d2, "09:00"), "accepted", "s14");
  expect(live("s15", "A1", "out", "hall", d2, "18:00"), "exit", "s15");
  expect(live("s16", "A1", "in", "hall", "2025-07-10", "09:00"), "wrong_day", "s16");
  redis_.command({"HSET", store::event_key(kEvent), "zones", ",hall,room,"});
  expect(live("s17", "A2", "in", "kitchen", d2, "10:00"), "not_allowed", "s17");
  // Day 3: A5 was never counted out; the scan corrects that before counting a new day.
  expect(live("s18", "A5", "in", "room", d3, "09:00"), "accepted", "s18");
  expect(live("s19", "A5", "out", "room", d3, "10:00"), "exit", "s19");
}

void ExportEvent::presence(const std::string& holder, std::int64_t lease_until_ms,
                           const std::string& id, const std::string& kind,
                           const std::string& participant, const std::string& badge,
                           const std::string& country, const std::string& category,
                           std::int64_t time_ms) {
  // Through the real presence function, exactly as the online channel calls it.
  v1::PresenceEvent item;
  item.set_presence_id(id);
  item.set_kind(kind == "join" ? v1::join : v1::leave);
  item.set_participant_id(participant);
  item.set_badge_id(badge);
  item.set_country(country);
  item.set_category(category);
  item.set_platform("zoom");
  item.set_session("plenary");
  item.mutable_time()->set_seconds(time_ms / 1000);
  const auto server_ms = time_ms + 100;
  services::checkin::ScanTiming timing{
      .effective_ms = server_ms,
      .day = services::checkin::local_day(server_ms, zurich()),
      .minute = services::checkin::local_minute(server_ms, zurich())};
  const services::presence::Holder who{holder, lease_until_ms,
                                       lease_until_ms ? "beacon" : "bridge"};
  redis_.command(
      services::presence::presence_command(kEvent, who, timing, server_ms, false, {&item}));
}

void ExportEvent::add_presence() {
  const std::string d1 = "2025-07-07", d2 = "2025-07-08", d3 = "2025-07-09";
  const std::string bridge = "bridge:b1";
  // P1 is A2 (hybrid): 30 minutes on day 1; on day 2 two devices, online 10:00 to 10:40.
  presence(bridge, 0, "p1", "join", "P1", "A2", "EG", "un", at(d1, "14:00"));
  presence(bridge, 0, "p2", "leave", "P1", "A2", "EG", "un", at(d1, "14:30"));
  presence(bridge, 0, "p3", "join", "P1", "A2", "EG", "un", at(d2, "10:00"));
  presence(bridge, 0, "p4", "join", "P1", "A2", "EG", "un", at(d2, "10:10"));
  presence(bridge, 0, "p5", "leave", "P1", "A2", "EG", "un", at(d2, "10:20"));
  presence(bridge, 0, "p6", "leave", "P1", "A2", "EG", "un", at(d2, "10:40"));
  // P2 has no badge: online only, from Japan, one hour on day 1; a stray leave on day 2.
  presence(bridge, 0, "p7", "join", "P2", "", "JP", "academia", at(d1, "09:00"));
  presence(bridge, 0, "p8", "leave", "P2", "", "JP", "academia", at(d1, "10:00"));
  presence(bridge, 0, "p9", "leave", "P2", "", "JP", "academia", at(d2, "11:00"));
  // P3 is A7, never on site: online across midnight at the end of day 3 (10 minutes on it).
  presence(bridge, 0, "p10", "join", "P3", "A7", "BR", "media", at(d3, "23:50"));
  presence(bridge, 0, "p11", "leave", "P3", "A7", "BR", "media", at("2025-07-10", "00:20"));
  // P4's beacon gateway dies: its lease expires at 12:10 and the function counts P4 out.
  presence("gw:dead", at(d2, "12:05"), "p12", "join", "P4", "", "KE", "youth", at(d2, "12:00"));
  const auto now = at(d2, "12:10");
  redis_.command({"FCALL", std::string(services::store::kExpireLeasesFunction), "1",
                  services::store::tag(kEvent), std::to_string(now), d2});
}

}  // namespace rollcall::tests::exporting
