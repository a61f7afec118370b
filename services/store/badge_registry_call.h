#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "redis/reply.h"
#include "services/store/reply_read.h"

// FCALL rollcall_register_badge and rollcall_replace_badge (services/store/rollcall.lua): a
// desk registers a walk-in or replaces a badge. services/registry checks the request first and
// reads the answer's meaning.
namespace rollcall::services::store {

struct RegisterBadgeCall {
  std::string event_id;
  std::string request_id;
  std::string badge_id;
  std::string country;
  std::string category;
  std::string name;
  std::string organization;
  std::string first_day;
  std::string last_day;
  std::string who;
  std::int64_t server_ms = 0;
};
std::vector<std::string> register_badge_call(const RegisterBadgeCall& call);

struct ReplaceBadgeCall {
  std::string event_id;
  std::string request_id;
  std::string old_id;
  std::string new_id;
  std::string reason;  // a v1::ReplacementReason name
  std::string who;
  std::int64_t server_ms = 0;
};
std::vector<std::string> replace_badge_call(const ReplaceBadgeCall& call);

// Both answer these fields (rollcall.lua registry_answer), in this order.
enum RegistryAnswerField : std::size_t {
  kAnswerStatus,
  kAnswerReplay,
  kAnswerBadgeId,
  kAnswerCountry,
  kAnswerCategory,
  kAnswerName,
  kAnswerOrganization,
  kAnswerPerson,
  kAnswerRegisteredBy,
  kAnswerReplaced,
  kAnswerFirstDay,
  kAnswerLastDay,
  kAnswerDetail,
  kAnswerSeq,
  kAnswerFieldCount,
};
// The answer's kAnswerFieldCount fields as text, else the error.
Read<std::vector<std::string>> read_registry_answer(const redis::Reply& reply);

}  // namespace rollcall::services::store
