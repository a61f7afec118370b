#include "services/checkin/venue_verdict.h"

#include <algorithm>

#include "services/checkin/offline_verdict.h"

namespace rollcall::services::checkin {

std::vector<std::size_t> events_to_count(const std::vector<bool>& known) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < known.size(); ++i) {
    if (known[i]) out.push_back(i);
  }
  if (out.empty() && !known.empty()) out.push_back(0);
  return out;
}

v1::VenueScanResult combine_verdicts(std::vector<v1::EventScanResult> events) {
  v1::VenueScanResult out;
  if (events.empty()) return out;
  const auto through = [](const v1::EventScanResult& e) {
    return lets_through(e.result().status());
  };
  const auto first = std::find_if(events.begin(), events.end(), through);
  *out.mutable_result() = first != events.end() ? first->result() : events.front().result();
  const auto admitted = std::count_if(events.begin(), events.end(), through);
  if (admitted > 1) {
    std::string names;
    for (const auto& e : events) {
      if (!through(e)) continue;
      names +=
          (names.empty() ? "" : ", ") + (e.event_name().empty() ? e.event_id() : e.event_name());
    }
    out.mutable_result()->set_reason(out.result().reason() + " Valid for: " + names + ".");
  }
  for (auto& e : events) *out.add_events() = std::move(e);
  return out;
}

}  // namespace rollcall::services::checkin
