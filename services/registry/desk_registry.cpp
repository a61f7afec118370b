#include "services/registry/desk_registry.h"

#include <charconv>

#include "services/store/function_library.h"
#include "services/store/keys.h"

namespace rollcall::services::registry {
namespace {

enum Field {
  kStatus,
  kReplay,
  kBadgeId,
  kCountry,
  kCategory,
  kName,
  kOrganization,
  kPerson,
  kRegisteredBy,
  kReplaced,
  kFirstDay,
  kLastDay,
  kDetail,
  kSeq,
  kFieldCount,
};

std::optional<RegistryStatus> parse_status(const std::string& text) {
  if (text == "issued") return RegistryStatus::issued;
  if (text == "badge_exists") return RegistryStatus::badge_exists;
  if (text == "unknown_badge") return RegistryStatus::unknown_badge;
  if (text == "already_replaced") return RegistryStatus::already_replaced;
  return std::nullopt;
}

}  // namespace

std::vector<std::string> register_badge_command(std::string_view event_id,
                                                const std::string& request_id,
                                                const CheckedWalkIn& walk_in,
                                                const std::string& who, std::int64_t server_ms) {
  const auto& b = walk_in.badge;
  return {"FCALL",
          std::string(store::kRegisterBadgeFunction),
          "1",
          store::tag(event_id),
          request_id,
          b.badge_id(),
          b.country(),
          b.category(),
          b.name(),
          b.organization(),
          walk_in.first_day,
          walk_in.last_day,
          who,
          std::to_string(server_ms)};
}

std::vector<std::string> replace_badge_command(std::string_view event_id,
                                               const std::string& request_id,
                                               const std::string& old_id, const std::string& new_id,
                                               rollcall::v1::ReplacementReason reason,
                                               const std::string& who, std::int64_t server_ms) {
  // An unspecified reason is logged as "lost", the usual case at a desk.
  const auto reason_name = reason == rollcall::v1::replacement_reason_unspecified ||
                                   !rollcall::v1::ReplacementReason_IsValid(reason)
                               ? std::string("lost")
                               : rollcall::v1::ReplacementReason_Name(reason);
  return {"FCALL",    std::string(store::kReplaceBadgeFunction),
          "1",        store::tag(event_id),
          request_id, old_id,
          new_id,     reason_name,
          who,        std::to_string(server_ms)};
}

std::optional<RegistryAnswer> registry_answer_from_reply(const std::vector<std::string>& fields) {
  if (fields.size() != kFieldCount) return std::nullopt;
  const auto status = parse_status(fields[kStatus]);
  if (!status) return std::nullopt;
  if (fields[kReplay] != "0" && fields[kReplay] != "1") return std::nullopt;
  RegistryAnswer answer;
  const auto& seq = fields[kSeq];
  const auto [end, ec] = std::from_chars(seq.data(), seq.data() + seq.size(), answer.seq);
  if (ec != std::errc{} || end != seq.data() + seq.size()) return std::nullopt;
  answer.status = *status;
  answer.replay = fields[kReplay] == "1";
  answer.badge.set_badge_id(fields[kBadgeId]);
  if (answer.status == RegistryStatus::issued) {
    if (fields[kBadgeId].empty() || fields[kCategory].empty()) return std::nullopt;
    answer.badge.set_country(fields[kCountry]);
    answer.badge.set_category(fields[kCategory]);
    answer.badge.set_name(fields[kName]);
    answer.badge.set_organization(fields[kOrganization]);
    answer.badge.set_person_id(fields[kPerson]);
    answer.badge.set_registered_by(fields[kRegisteredBy]);
  }
  answer.replaced = fields[kReplaced];
  answer.first_day = fields[kFirstDay];
  answer.last_day = fields[kLastDay];
  answer.detail = fields[kDetail];
  return answer;
}

std::string make_badge_id(std::string_view prefix, std::uint64_t random) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string id(prefix);
  for (int i = 7; i >= 0; --i) id += kAlphabet[(random >> (5 * i)) & 31];
  return id;
}

}  // namespace rollcall::services::registry
