#include "services/auth/token_check.h"

#include <google/protobuf/util/time_util.h>

namespace rollcall::services::auth {

TokenVerdict check_token(const v1::TokenRecord* record, std::chrono::system_clock::time_point now) {
  using google::protobuf::util::TimeUtil;
  if (record == nullptr || record->role() == v1::role_unspecified) return TokenVerdict::unknown;
  const auto now_seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch());
  const auto at = TimeUtil::SecondsToTimestamp(now_seconds.count());
  if (record->has_revoked_at() && record->revoked_at() <= at) return TokenVerdict::revoked;
  if (record->has_expires_at() && record->expires_at() <= at) return TokenVerdict::expired;
  return TokenVerdict::ok;
}

const char* verdict_name(TokenVerdict verdict) {
  switch (verdict) {
    case TokenVerdict::ok:
      return "ok";
    case TokenVerdict::unknown:
      return "unknown";
    case TokenVerdict::expired:
      return "expired";
    case TokenVerdict::revoked:
      return "revoked";
  }
  return "unknown";
}

std::string desk_id_of(const v1::TokenRecord& record) {
  return record.desk_id().empty() ? record.id() : record.desk_id();
}

}  // namespace rollcall::services::auth
