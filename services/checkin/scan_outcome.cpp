#include "services/checkin/scan_outcome.h"

#include <charconv>

#include <date/tz.h>
#include <google/protobuf/util/time_util.h>

#include "services/checkin/manual_checkin.h"
#include "services/registry/utf8.h"
#include "services/store/function_library.h"

namespace rollcall::services::checkin {
namespace {

using google::protobuf::util::TimeUtil;

enum Field {
  kStatus,
  kReplay,
  kBadgeId,
  kZone,
  kDay,
  kServerMs,
  kLate,
  kSinceMs,
  kCountry,
  kCategory,
  kName,
  kOrganization,
  kSeq,
  kDeskTracked,        // absent from replies of libraries older than desk tracking
  kDeviceTimeIgnored,  // absent from replies of libraries older than the flag
  kRevokedReason,      // these three: absent from replies of libraries before replacements
  kReplacedBy,
  kPerson,
};
constexpr std::size_t kFieldCount = kSeq + 1;

std::optional<std::int64_t> to_int(const std::string& text) {
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

std::vector<std::string> scan_command(std::string_view event_id, const v1::ScanRequest& request,
                                      const ScanTiming& timing, std::int64_t server_ms,
                                      std::size_t max_desks, const v1::ManualCheckin* manual) {
  // Only a believed device time is kept: an absurd one would otherwise reach the exports.
  std::vector<std::string> command = {"FCALL",
                                      std::string(store::kScanFunction),
                                      "1",
                                      "{" + std::string(event_id) + "}",
                                      request.scan_id(),
                                      request.badge_id(),
                                      request.desk_id(),
                                      request.zone(),
                                      request.direction() == v1::in ? "in" : "out",
                                      std::to_string(timing.device_ms.value_or(server_ms)),
                                      std::to_string(server_ms),
                                      timing.day,
                                      timing.minute,
                                      timing.late ? "1" : "0",
                                      std::to_string(max_desks),
                                      timing.device_time_ignored ? "1" : "0",
                                      request.offline_verdict() == v1::offline_admitted ? "admitted"
                                      : request.offline_verdict() == v1::offline_refused ? "refused"
                                                                                         : ""};
  if (manual) {
    command.push_back(manual_reason_word(manual->reason()));
    command.push_back(manual->note());
  }
  return command;
}

DeskTracking desk_tracking(const std::vector<std::string>& fields) {
  if (fields.size() <= kDeskTracked) return DeskTracking::tracked;  // an older library
  if (fields[kDeskTracked] == "full") return DeskTracking::full;
  if (fields[kDeskTracked] == "forgotten") return DeskTracking::forgotten;
  return DeskTracking::tracked;
}

std::optional<v1::ScanResult> scan_result_from_reply(const std::string& scan_id,
                                                     const std::vector<std::string>& fields,
                                                     const date::time_zone* zone) {
  if (fields.size() < kFieldCount) return std::nullopt;
  v1::ScanResult result;
  v1::ScanStatus status;
  if (!v1::ScanStatus_Parse(fields[kStatus], &status)) return std::nullopt;
  const auto server_ms = to_int(fields[kServerMs]);
  if (!server_ms) return std::nullopt;
  result.set_scan_id(scan_id);
  result.set_status(status);
  result.set_replay(fields[kReplay] == "1");
  result.set_zone(fields[kZone]);
  result.set_day(fields[kDay]);
  result.set_late(fields[kLate] == "1");
  result.set_device_time_ignored(fields.size() > kDeviceTimeIgnored &&
                                 fields[kDeviceTimeIgnored] == "1");
  *result.mutable_server_time() = TimeUtil::MillisecondsToTimestamp(*server_ms);
  if (const auto since = to_int(fields[kSinceMs])) {
    *result.mutable_since() = TimeUtil::MillisecondsToTimestamp(*since);
  }
  if (!fields[kCategory].empty()) {
    auto* attendee = result.mutable_attendee();
    attendee->set_badge_id(fields[kBadgeId]);
    attendee->set_country(fields[kCountry]);
    attendee->set_category(fields[kCategory]);
    attendee->set_name(fields[kName]);
    attendee->set_organization(fields[kOrganization]);
    if (fields.size() > kPerson) {
      attendee->set_revoked_reason(fields[kRevokedReason]);
      attendee->set_replaced_by(fields[kReplacedBy]);
      attendee->set_person_id(fields[kPerson]);
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
