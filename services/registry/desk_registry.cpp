#include "services/registry/desk_registry.h"

#include <charconv>

#include "services/store/badge_registry_call.h"

namespace rollcall::services::registry {
namespace {

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
  return store::register_badge_call({.event_id = std::string(event_id),
                                     .request_id = request_id,
                                     .badge_id = b.badge_id(),
                                     .country = b.country(),
                                     .category = b.category(),
                                     .name = b.name(),
                                     .organization = b.organization(),
                                     .first_day = walk_in.first_day,
                                     .last_day = walk_in.last_day,
                                     .who = who,
                                     .server_ms = server_ms});
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
  return store::replace_badge_call({.event_id = std::string(event_id),
                                    .request_id = request_id,
                                    .old_id = old_id,
                                    .new_id = new_id,
                                    .reason = reason_name,
                                    .who = who,
                                    .server_ms = server_ms});
}

std::optional<RegistryAnswer> registry_answer_from_reply(const std::vector<std::string>& fields) {
  if (fields.size() != store::kAnswerFieldCount) return std::nullopt;
  const auto status = parse_status(fields[store::kAnswerStatus]);
  if (!status) return std::nullopt;
  if (fields[store::kAnswerReplay] != "0" && fields[store::kAnswerReplay] != "1")
    return std::nullopt;
  RegistryAnswer answer;
  const auto& seq = fields[store::kAnswerSeq];
  const auto [end, ec] = std::from_chars(seq.data(), seq.data() + seq.size(), answer.seq);
  if (ec != std::errc{} || end != seq.data() + seq.size()) return std::nullopt;
  answer.status = *status;
  answer.replay = fields[store::kAnswerReplay] == "1";
  answer.badge.set_badge_id(fields[store::kAnswerBadgeId]);
  if (answer.status == RegistryStatus::issued) {
    if (fields[store::kAnswerBadgeId].empty() || fields[store::kAnswerCategory].empty())
      return std::nullopt;
    answer.badge.set_country(fields[store::kAnswerCountry]);
    answer.badge.set_category(fields[store::kAnswerCategory]);
    answer.badge.set_name(fields[store::kAnswerName]);
    answer.badge.set_organization(fields[store::kAnswerOrganization]);
    answer.badge.set_person_id(fields[store::kAnswerPerson]);
    answer.badge.set_registered_by(fields[store::kAnswerRegisteredBy]);
  }
  answer.replaced = fields[store::kAnswerReplaced];
  answer.first_day = fields[store::kAnswerFirstDay];
  answer.last_day = fields[store::kAnswerLastDay];
  answer.detail = fields[store::kAnswerDetail];
  return answer;
}

std::string make_badge_id(std::string_view prefix, std::uint64_t random) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string id(prefix);
  for (int i = 7; i >= 0; --i) id += kAlphabet[(random >> (5 * i)) & 31];
  return id;
}

}  // namespace rollcall::services::registry
