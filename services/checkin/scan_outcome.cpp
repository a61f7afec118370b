#include "services/checkin/scan_outcome.h"

#include <charconv>

#include <date/tz.h>
#include <google/protobuf/util/time_util.h>

#include "services/checkin/manual_checkin.h"
#include "services/registry/utf8.h"
#include "services/store/scan_call.h"

namespace rollcall::services::checkin {
namespace {

using google::protobuf::util::TimeUtil;

std::optional<std::int64_t> to_int(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string clock_time(const google::protobuf::Timestamp& at, const date::time_zone* zone) {
  const auto ms = std::chrono::milliseconds{TimeUtil::TimestampToMilliseconds(at)};
  return date::format("%R", date::floor<std::chrono::minutes>(
                                zone->to_local(date::sys_time<std::chrono::milliseconds>{ms})));
}

}  // namespace

redis::Command scan_command(std::string_view event_id, const v1::ScanRequest& request,
                            const ScanTiming& timing, std::int64_t server_ms, std::size_t max_desks,
                            const v1::ManualCheckin* manual) {
  // Only a believed device time is kept: an absurd one would otherwise reach the exports.
  store::ScanCall call{
      .event_id = event_id,
      .scan_id = request.scan_id(),
      .badge_id = request.badge_id(),
      .desk_id = request.desk_id(),
      .zone = request.zone(),
      .entering = request.direction() == v1::in,
      .device_ms = timing.device_ms.value_or(server_ms),
      .server_ms = server_ms,
      .day = timing.day,
      .minute = timing.minute,
      .late = timing.late,
      .max_desks = max_desks,
      .device_time_ignored = timing.device_time_ignored,
      .offline_verdict = request.offline_verdict() == v1::offline_admitted  ? "admitted"
                         : request.offline_verdict() == v1::offline_refused ? "refused"
                                                                            : ""};
  const std::string reason = manual ? manual_reason_word(manual->reason()) : std::string();
  if (manual) call.manual.emplace(reason, manual->note());
  return store::scan_call(call);
}

DeskTracking desk_tracking(const store::ScanFields& fields) {
  if (fields.size() <= store::kScanDeskTracked) return DeskTracking::tracked;  // an older library
  if (fields[store::kScanDeskTracked] == "full") return DeskTracking::full;
  if (fields[store::kScanDeskTracked] == "forgotten") return DeskTracking::forgotten;
  return DeskTracking::tracked;
}

std::optional<v1::ScanResult> scan_result_from_reply(const std::string& scan_id,
                                                     const store::ScanFields& fields,
                                                     const date::time_zone* zone) {
  if (fields.size() < store::kScanMinFields) return std::nullopt;
  v1::ScanResult result;
  v1::ScanStatus status;
  if (!v1::ScanStatus_Parse(std::string(fields[store::kScanStatus]), &status)) return std::nullopt;
  const auto server_ms = to_int(fields[store::kScanServerMs]);
  if (!server_ms) return std::nullopt;
  result.set_scan_id(scan_id);
  result.set_status(status);
  result.set_replay(fields[store::kScanReplay] == "1");
  result.set_zone(fields[store::kScanZone].data(), fields[store::kScanZone].size());
  result.set_day(fields[store::kScanDay].data(), fields[store::kScanDay].size());
  result.set_late(fields[store::kScanLate] == "1");
  result.set_device_time_ignored(fields.size() > store::kScanDeviceTimeIgnored &&
                                 fields[store::kScanDeviceTimeIgnored] == "1");
  *result.mutable_server_time() = TimeUtil::MillisecondsToTimestamp(*server_ms);
  if (const auto since = to_int(fields[store::kScanSinceMs])) {
    *result.mutable_since() = TimeUtil::MillisecondsToTimestamp(*since);
  }
  if (!fields[store::kScanCategory].empty()) {
    auto* attendee = result.mutable_attendee();
    attendee->set_badge_id(fields[store::kScanBadgeId].data(), fields[store::kScanBadgeId].size());
    attendee->set_country(fields[store::kScanCountry].data(), fields[store::kScanCountry].size());
    attendee->set_category(fields[store::kScanCategory].data(),
                           fields[store::kScanCategory].size());
    attendee->set_name(fields[store::kScanName].data(), fields[store::kScanName].size());
    attendee->set_organization(fields[store::kScanOrganization].data(),
                               fields[store::kScanOrganization].size());
    if (fields.size() > store::kScanPerson) {
      attendee->set_revoked_reason(fields[store::kScanRevokedReason].data(),
                                   fields[store::kScanRevokedReason].size());
      attendee->set_replaced_by(fields[store::kScanReplacedBy].data(),
                                fields[store::kScanReplacedBy].size());
      attendee->set_person_id(fields[store::kScanPerson].data(), fields[store::kScanPerson].size());
    }
  }
  result.set_reason(describe(result, zone));
  return result;
}

v1::ScanResult malformed_result(const std::string& scan_id, const std::string& why) {
  v1::ScanResult result;
  // Whatever the desk sent as scan_id, a bounded quote: its own ids (at most 128 bytes) come
  // back unchanged, so it still matches the answer to its scan.
  result.set_scan_id(registry::quote_input(scan_id));
  result.set_status(v1::malformed);
  result.set_reason("The scan could not be read: " + why + ". Nothing was counted; scan again.");
  return result;
}

v1::ScanResult unavailable_result(const std::string& scan_id) {
  v1::ScanResult result;
  result.set_scan_id(scan_id);
  result.set_status(v1::unavailable);
  result.set_reason(
      "The attendance server is briefly unavailable. Keep the scan: it will be sent again "
      "and counted once.");
  return result;
}

std::string describe(const v1::ScanResult& result, const date::time_zone* zone) {
  const std::string who = result.has_attendee() ? result.attendee().name() : "This person";
  std::string text;
  switch (result.status()) {
    case v1::accepted:
      text = "Welcome, " + who + ". First entry today.";
      break;
    case v1::reentry:
      text = "Welcome back, " + who + ". Entry recorded.";
      break;
    case v1::exit:
      text = "Goodbye, " + who + ". Exit recorded.";
      break;
    case v1::already_inside:
      text = who + " is already inside " + result.zone() +
             (result.has_since() ? " since " + clock_time(result.since(), zone) : "") +
             ". Nothing changed: if they left without scanning out, scan them out first.";
      break;
    case v1::not_inside:
      text = who + " has no entry recorded, so there is no exit to count. Nothing changed.";
      break;
    case v1::unknown_badge:
      text = "This badge is not in the registry of this event. Send the person to the help desk.";
      break;
    case v1::revoked:
      // A replaced badge is the usual case at a desk: the person has a new one.
      text = result.has_attendee() && result.attendee().revoked_reason() == "replaced"
                 ? "This badge was replaced (reported lost). Do not admit: ask for the new badge."
                 : "This badge has been revoked. Do not admit; call a supervisor.";
      break;
    case v1::invalid_signature:
      text = "This badge code is forged or damaged. Do not admit; call a supervisor.";
      break;
    case v1::wrong_day:
      text = "The event is not open on " + result.day() + ". Nothing was counted.";
      break;
    case v1::not_allowed:
      text = "This desk's zone is not part of this event. Check the desk's settings.";
      break;
    case v1::malformed:
    case v1::unavailable:
    default:
      return result.reason();
  }
  if (result.replay()) text = "Already recorded earlier: " + text;
  if (result.device_time_ignored()) {
    text += " This desk's clock is wrong: the server's time was used; please set the clock.";
  }
  return text;
}

}  // namespace rollcall::services::checkin
