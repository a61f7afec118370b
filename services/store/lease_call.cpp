#include "services/store/lease_call.h"

#include "services/store/function_library.h"
#include "services/store/keys.h"

namespace rollcall::services::store {

std::vector<std::string> renew_leases_call(std::string_view event_id, std::int64_t until_ms,
                                           const std::vector<std::string>& holders) {
  std::vector<std::string> args{"FCALL", std::string(kRenewLeasesFunction), "1", tag(event_id),
                                std::to_string(until_ms)};
  args.insert(args.end(), holders.begin(), holders.end());
  return args;
}

std::vector<std::string> expire_leases_call(std::string_view event_id, std::int64_t now_ms,
                                            std::string_view day) {
  return {"FCALL",
          std::string(kExpireLeasesFunction),
          "1",
          tag(event_id),
          std::to_string(now_ms),
          std::string(day)};
}

std::vector<std::string> reset_inside_call(std::string_view event_id, std::string_view day) {
  return {"FCALL", std::string(kResetInsideFunction), "1", tag(event_id), std::string(day)};
}

Read<std::int64_t> read_moved_count(const redis::Reply& reply) {
  auto count = read_integer(reply, "a count (integer)");
  if (count && *count < 0) {
    return Read<std::int64_t>::fail(unexpected(reply, "a count (non-negative integer)"));
  }
  return count;
}

}  // namespace rollcall::services::store
