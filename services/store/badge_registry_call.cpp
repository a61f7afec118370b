#include "services/store/badge_registry_call.h"

#include "services/store/function_library.h"
#include "services/store/keys.h"

namespace rollcall::services::store {

std::vector<std::string> register_badge_call(const RegisterBadgeCall& c) {
  return {"FCALL",      std::string(kRegisterBadgeFunction),
          "1",          tag(c.event_id),
          c.request_id, c.badge_id,
          c.country,    c.category,
          c.name,       c.organization,
          c.first_day,  c.last_day,
          c.who,        std::to_string(c.server_ms)};
}

std::vector<std::string> replace_badge_call(const ReplaceBadgeCall& c) {
  return {"FCALL",      std::string(kReplaceBadgeFunction),
          "1",          tag(c.event_id),
          c.request_id, c.old_id,
          c.new_id,     c.reason,
          c.who,        std::to_string(c.server_ms)};
}

Read<std::vector<std::string>> read_registry_answer(const redis::Reply& reply) {
  return read_texts(reply, "the registry answer's 14 fields", kAnswerFieldCount, kAnswerFieldCount);
}

}  // namespace rollcall::services::store
