#include "services/checkin/offline_verdict.h"

namespace rollcall::services::checkin {

bool lets_through(v1::ScanStatus status) {
  switch (status) {
    case v1::accepted:
    case v1::reentry:
    case v1::already_inside:
    case v1::exit:
    case v1::not_inside:
      return true;
    default:
      return false;
  }
}

std::optional<std::string_view> offline_verdict_outcome(const v1::ScanRequest& request,
                                                        const v1::ScanResult& result) {
  const auto shown = request.offline_verdict();
  if (shown != v1::offline_admitted && shown != v1::offline_refused) return std::nullopt;
  if (result.replay() || result.status() == v1::malformed || result.status() == v1::unavailable ||
      result.status() == v1::scan_status_unspecified) {
    return std::nullopt;
  }
  const bool admitted = shown == v1::offline_admitted;
  if (admitted == lets_through(result.status())) return "agreed";
  return admitted ? std::string_view("admitted_refused") : std::string_view("refused_admitted");
}

}  // namespace rollcall::services::checkin
