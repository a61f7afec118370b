#include "services/store/scan_call.h"

#include "services/store/function_library.h"
#include "services/store/keys.h"

namespace rollcall::services::store {

std::vector<std::string> scan_call(const ScanCall& call) {
  std::vector<std::string> args = {"FCALL",
                                   std::string(kScanFunction),
                                   "1",
                                   tag(call.event_id),
                                   call.scan_id,
                                   call.badge_id,
                                   call.desk_id,
                                   call.zone,
                                   call.entering ? "in" : "out",
                                   std::to_string(call.device_ms),
                                   std::to_string(call.server_ms),
                                   call.day,
                                   call.minute,
                                   call.late ? "1" : "0",
                                   std::to_string(call.max_desks),
                                   call.device_time_ignored ? "1" : "0",
                                   call.offline_verdict};
  if (call.manual) {
    args.push_back(call.manual->first);
    args.push_back(call.manual->second);
  }
  return args;
}

Read<std::vector<std::string>> read_scan_reply(const redis::Reply& reply) {
  auto fields = read_texts(reply, "the scan function's array", 0);
  if (fields && (fields->size() < kScanMinFields || fields->size() > kScanMaxFields)) {
    // The gateway's log names the count and the status the function answered.
    std::string cause = "the scan function's reply of " + std::to_string(fields->size()) +
                        " fields is not understood";
    if (!fields->empty()) cause += " (status \"" + bounded_text(fields->front()) + "\")";
    return Read<std::vector<std::string>>::fail({.kind = "reply_shape", .cause = std::move(cause)});
  }
  return fields;
}

}  // namespace rollcall::services::store
