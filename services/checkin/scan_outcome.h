#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "redis/command.h"
#include "rollcall/v1/registration.pb.h"
#include "rollcall/v1/rollcall.pb.h"
#include "services/checkin/scan_timing.h"
#include "services/store/scan_call.h"

namespace date {
class time_zone;
}

namespace rollcall::services::checkin {

// The arguments of `FCALL rollcall_scan` for a validated request. The request's desk_id must be
// the desk of the token that sent it; the event tracks at most `max_desks` desks. `manual`: the
// validated check-in by hand the request stands for (its reason and note are passed on).
redis::Command scan_command(std::string_view event_id, const v1::ScanRequest& request,
                            const ScanTiming& timing, std::int64_t server_ms, std::size_t max_desks,
                            const v1::ManualCheckin* manual = nullptr);

// Turns the function's reply (its fields as store::read_scan_reply reads them) into the desk's
// answer. nullopt when the
// reply is not what the function returns (a gateway talking to a foreign library).
std::optional<v1::ScanResult> scan_result_from_reply(const std::string& scan_id,
                                                     const store::ScanFields& fields,
                                                     const date::time_zone* zone);

// What became of the scan's desk, as the function's reply says: its counters were kept, or the
// scan counted without them (the event tracks max_desks desks already, or the desk was forgotten).
enum class DeskTracking { tracked, full, forgotten };
DeskTracking desk_tracking(const store::ScanFields& fields);

// Answers made without Redis: the request could not be read (its scan_id is echoed as
// registry::quote_input gives it), or Redis is away.
v1::ScanResult malformed_result(const std::string& scan_id, const std::string& why);
v1::ScanResult unavailable_result(const std::string& scan_id);

// Words for the desk volunteer.
std::string describe(const v1::ScanResult& result, const date::time_zone* zone);

}  // namespace rollcall::services::checkin
