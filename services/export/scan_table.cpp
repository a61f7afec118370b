#include "services/export/scan_table.h"

#include "rollcall/v1/export.pb.h"
#include "services/export/local_time.h"

namespace rollcall::services::exporting {

std::vector<std::string> scan_columns() {
  return {
      "log_id", "scan_id",     "badge_id",    "desk_id", "zone", "direction",           "status",
      "reason", "device_time", "server_time", "day",     "late", "device_time_ignored", "manual"};
}

std::string scan_reason(std::string_view status) {
  if (status == "accepted") return "first entry of the day";
  if (status == "reentry") return "entered again (or moved to another zone)";
  if (status == "exit") return "exit";
  if (status == "already_inside") return "already inside this zone: nothing changed";
  if (status == "not_inside") return "exit without an entry: nothing changed";
  if (status == "unknown_badge") return "badge not in the registry: refused";
  if (status == "revoked") return "badge revoked: refused";
  if (status == "invalid_signature") return "forged or damaged badge code: refused";
  if (status == "wrong_day") return "the event is not open that day: refused";
  if (status == "not_allowed") return "zone not part of the event: refused";
  return "unrecognized status";
}

bool write_scan_row(const LogEntry& entry, const date::time_zone* zone, RowSink& sink) {
  if (entry.get("type") != "scan") return false;
  v1::ScanRow row;
  row.set_log_id(entry.id);
  row.set_scan_id(std::string(entry.get("scan_id")));
  row.set_badge_id(std::string(entry.get("badge_id")));
  row.set_person_id(std::string(entry.get("person")));  // a replacement badge: its person
  row.set_desk_id(std::string(entry.get("desk_id")));
  row.set_zone(std::string(entry.get("zone")));
  const auto direction = entry.get("direction");
  row.set_direction(direction == "in"    ? v1::in
                    : direction == "out" ? v1::out
                                         : v1::direction_unspecified);
  const std::string status(entry.get("status"));
  v1::ScanStatus parsed = v1::scan_status_unspecified;
  v1::ScanStatus_Parse(status, &parsed);
  row.set_status(parsed);
  row.set_reason(scan_reason(status));
  row.set_day(std::string(entry.get("day")));
  const auto server_ms = entry.server_ms();
  // A desk time the gateway did not believe is no time at all: left out, and flagged.
  const auto device_ms = entry.believed_device_ms();
  if (device_ms) *row.mutable_device_time() = timestamp(*device_ms);
  *row.mutable_server_time() = timestamp(server_ms);
  row.set_late(entry.get("late") == "1");
  row.set_device_time_ignored(entry.device_time_ignored());
  // A check-in by hand: why (the reason's name); empty for a scanned badge. The desk's note is
  // not exported (it is free text about a person).
  const std::string manual(entry.get("manual"));
  v1::ManualReason reason = v1::manual_reason_unspecified;
  if (v1::ManualReason_Parse(manual, &reason)) row.set_manual(reason);

  auto yes_no = [](bool value) { return std::string(value ? "yes" : "no"); };
  sink.row({row.log_id(), row.scan_id(), row.badge_id(), row.desk_id(), row.zone(),
            std::string(direction), status, row.reason(),
            device_ms ? local_date_time(*device_ms, zone) : std::string(),
            local_date_time(server_ms, zone), row.day(), yes_no(row.late()),
            yes_no(row.device_time_ignored()),
            row.manual() == v1::manual_reason_unspecified ? std::string()
                                                          : v1::ManualReason_Name(row.manual())},
           row);
  return true;
}

}  // namespace rollcall::services::exporting
