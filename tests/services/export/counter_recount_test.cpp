// The audit recount of check-ins by hand: manual:REASON and desk:ID:manual rebuilt from the log,
// first from entries written here, then against the live counters of the real functions after a
// generated mix of scans and check-ins by hand (the recount must stay exact).
#include "services/export/counter_recount.h"

#include <gtest/gtest.h>

#include <date/tz.h>

#include <random>
#include <sstream>

#include "redis/url.h"
#include "services/checkin/manual_checkin.h"
#include "services/checkin/scan_outcome.h"
#include "services/checkin/scan_timing.h"
#include "services/export/csv_sink.h"
#include "services/export/export_job.h"
#include "services/registry/csv_reader.h"
#include "tests/services/export/event_fixture.h"
#include "tools/export/event_reader.h"

namespace rollcall::services::exporting {
namespace {

using tests::exporting::ExportEvent;

LogEntry scan_entry(const std::string& id, const std::string& badge, const std::string& status,
                    const std::string& manual, const std::string& desk = "reg-1",
                    const std::string& untracked = "") {
  LogEntry entry;
  entry.id = "1751871600000-" + id;
  entry.fields = {{"type", "scan"},
                  {"scan_id", id},
                  {"badge_id", badge},
                  {"desk_id", desk},
                  {"zone", "hall"},
                  {"direction", "in"},
                  {"status", status},
                  {"day", "2025-07-07"},
                  {"device_ms", "1751871600000"},
                  {"server_ms", "1751871600000"},
                  {"late", "0"}};
  if (!manual.empty()) {
    entry.fields.emplace_back("manual", manual);
    entry.fields.emplace_back("note", "a note");
  }
  if (!untracked.empty()) entry.fields.emplace_back("desk_untracked", untracked);
  return entry;
}

std::int64_t value(const std::map<std::string, std::int64_t>& counters, const std::string& name) {
  const auto found = counters.find(name);
  return found == counters.end() ? 0 : found->second;
}

TEST(ManualRecount, CheckInsByHandThatWereNotRefusedCountByReasonAndDesk) {
  v1::Event event;
  event.set_time_zone("Europe/Zurich");
  v1::Badge badge;
  badge.set_badge_id("B1");
  badge.set_country("CH");
  badge.set_category("minister");
  const std::vector<v1::Badge> registry = {badge};  // the recount keeps pointers into it
  CounterRecount recount(event, registry);
  recount.feed(scan_entry("m1", "B1", "accepted", "badge_forgotten"));
  recount.feed(scan_entry("m2", "NOPE", "unknown_badge", "badge_forgotten"));
  recount.feed(scan_entry("m3", "B1", "already_inside", "other"));
  recount.feed(scan_entry("s1", "B1", "already_inside", ""));
  recount.feed(scan_entry("m4", "B1", "already_inside", "badge_unreadable", "reg-2", "full"));
  const auto& counters = recount.counters();
  EXPECT_EQ(value(counters, "manual:badge_forgotten"), 1);
  EXPECT_EQ(value(counters, "manual:other"), 1);
  EXPECT_EQ(value(counters, "manual:badge_unreadable"), 1);  // its desk untracked, still counted
  EXPECT_EQ(value(counters, "desk:reg-1:manual"), 2);
  EXPECT_EQ(counters.count("desk:reg-2:manual"), 0u);
  EXPECT_EQ(value(counters, "desk:reg-1:scans"), 4);
  EXPECT_TRUE(recounted_counter("manual:badge_forgotten"));
  EXPECT_TRUE(recounted_counter("desk:reg-1:manual"));

  // A forgotten desk loses its manual counter with the others.
  LogEntry forgotten;
  forgotten.id = "1751871600001-0";
  forgotten.fields = {{"type", "desk_forgotten"}, {"desk_id", "reg-1"}, {"server_ms", "1"}};
  recount.feed(forgotten);
  EXPECT_EQ(recount.counters().count("desk:reg-1:manual"), 0u);
  EXPECT_EQ(value(recount.counters(), "manual:badge_forgotten"), 1);
}

// The real functions against the recount, after a generated mix on the fixture's event: scans and
// check-ins by hand of every badge (revoked and unknown ones too), replays, two desks, a desk
// forgotten midway; then the scans export lists each check-in's reason.
TEST(ManualRecount, TheRecountOfAGeneratedMixIsExact) {
  ExportEvent event;
  auto& redis = event.redis();
  const auto* zone = date::locate_zone("Europe/Zurich");
  std::mt19937 rng(2014);
  const std::vector<std::string> badges = {"A1", "A2", "A3", "A4", "A5", "A6", "A7", "ZZZ"};
  const std::vector<v1::ManualReason> reasons = {v1::badge_forgotten, v1::badge_unreadable,
                                                 v1::other};
  std::vector<std::string> ids;
  std::map<std::string, std::string> reason_of_id;
  int manual_calls = 0;
  for (int i = 0; i < 300; ++i) {
    const bool replay = !ids.empty() && rng() % 5 == 0;
    const auto id = replay ? ids[rng() % ids.size()] : "mix-" + std::to_string(i);
    if (!replay) ids.push_back(id);
    const auto server_ms = ExportEvent::at(i < 150 ? "2025-07-08" : "2025-07-09", "09:00") +
                           static_cast<std::int64_t>(i) * 60'000;
    const auto badge = badges[rng() % badges.size()];
    const auto desk = rng() % 2 ? "reg-1" : "reg-2";
    v1::ScanRequest request;
    std::vector<std::string> command;
    if (rng() % 2) {
      v1::ManualCheckin checkin;
      checkin.set_checkin_id(id);
      checkin.set_badge_id(badge);
      checkin.set_zone(rng() % 2 ? "hall" : "room");
      checkin.set_direction(rng() % 3 ? v1::in : v1::out);
      checkin.set_reason(reasons[rng() % reasons.size()]);
      checkin.set_note("generated note " + std::to_string(i));
      ASSERT_EQ(checkin::validate_manual_checkin(checkin), std::nullopt);
      request = checkin::scan_request_for(checkin, desk);
      const auto timing = checkin::scan_timing(request, server_ms, zone);
      command =
          checkin::scan_command(ExportEvent::kEvent, request, timing, server_ms, 500, &checkin)
              .args();
      if (!replay) reason_of_id[id] = v1::ManualReason_Name(checkin.reason());
      ++manual_calls;
    } else {
      request.set_scan_id(id);
      request.set_badge_id(badge);
      request.set_desk_id(desk);
      request.set_zone("hall");
      request.set_direction(rng() % 3 ? v1::in : v1::out);
      const auto timing = checkin::scan_timing(request, server_ms, zone);
      command = checkin::scan_command(ExportEvent::kEvent, request, timing, server_ms, 500).args();
    }
    redis.command(command);
    if (i == 200) {
      redis.command({"FCALL", "rollcall_forget_desk", "1",
                     std::string("{") + ExportEvent::kEvent + "}", "reg-2",
                     std::to_string(server_ms)});
    }
  }

  std::string error;
  rollcall::redis::SyncSession session(*redis::Url::parse(redis.url(), &error));
  tools::exporting::EventReader reader(session, ExportEvent::kEvent);
  const auto live = reader.counters();
  const auto stored_event = reader.event();
  const auto registry = reader.registry();  // the recount keeps pointers into it
  CounterRecount recount(stored_event, registry);
  reader.read_log(
      [&](const std::vector<LogEntry>& entries) {
        for (const auto& entry : entries) recount.feed(entry);
      },
      live.last_id);
  const auto comparison = compare_counters(live.counters, recount.counters());
  for (const auto& d : comparison.differences) {
    ADD_FAILURE() << d.name << " live " << d.live << " recount " << d.recount;
  }
  EXPECT_TRUE(comparison.not_recounted.empty());
  std::int64_t manual = 0;
  for (const auto& [name, count] : live.counters) {
    if (name.starts_with("manual:")) manual += count;
  }
  EXPECT_GT(manual, 0);
  EXPECT_GT(value(live.counters, "desk:reg-1:manual"), 0);
  // reg-2 was forgotten midway: its later check-ins count, its desk counters stay gone.
  EXPECT_EQ(live.counters.count("desk:reg-2:manual"), 0u);
  std::cout << "[ figures ] " << manual_calls << " check-in calls by hand, " << manual
            << " counted; " << comparison.compared << " counters compared\n";

  // The scans export: a manual column with the reason of each check-in by hand.
  ExportJob job({Table::scans, Format::csv, Language::en, 0}, stored_event, registry);
  std::string csv, bytes;
  reader.read_log([&](const std::vector<LogEntry>& entries) {
    for (const auto& entry : entries) job.feed(entry);
    while (job.take(&bytes)) csv += bytes;
  });
  job.finish();
  while (job.take(&bytes)) csv += bytes;
  std::istringstream in(csv);
  registry::CsvReader rows(in);
  const auto header = rows.next();
  ASSERT_TRUE(header && header->ok());
  ASSERT_EQ(header->fields.back(), "manual");
  std::size_t checked = 0;
  while (auto row = rows.next()) {
    ASSERT_TRUE(row->ok());
    const auto& id = row->fields.at(1);
    if (!id.starts_with("mix-")) continue;  // the fixture's own scans
    const auto found = reason_of_id.find(id);
    EXPECT_EQ(row->fields.back(), found == reason_of_id.end() ? "" : found->second) << id;
    ++checked;
  }
  EXPECT_EQ(checked, ids.size());
}

}  // namespace
}  // namespace rollcall::services::exporting
