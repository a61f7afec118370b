#include "services/venue/fold_items.h"

#include <charconv>
#include <set>

namespace rollcall::services::venue {
namespace {

// rollcall_scan's refusals: they change nobody's state.
bool refused(std::string_view status) {
  return status == "unknown_badge" || status == "revoked" || status == "invalid_signature" ||
         status == "wrong_day" || status == "not_allowed";
}

bool counted_scan(const LogRecord& entry) {
  return entry.get("type") == "scan" && !refused(entry.get("status")) &&
         !entry.get("badge_id").empty();
}

bool presence(std::string_view type) {
  return type == "join" || type == "leave";
}

std::pair<std::uint64_t, std::uint64_t> id_parts(std::string_view id) {
  const auto dash = id.find('-');
  std::uint64_t ms = 0, seq = 0;
  if (dash == std::string_view::npos) return {0, 0};
  const auto ms_text = id.substr(0, dash), seq_text = id.substr(dash + 1);
  if (std::from_chars(ms_text.data(), ms_text.data() + ms_text.size(), ms).ec != std::errc{} ||
      std::from_chars(seq_text.data(), seq_text.data() + seq_text.size(), seq).ec != std::errc{}) {
    return {0, 0};
  }
  return {ms, seq};
}

}  // namespace

std::vector<std::string> badges_needed(const std::vector<LogRecord>& entries) {
  std::vector<std::string> badges;
  std::set<std::string_view> seen;
  for (const auto& entry : entries) {
    const auto badge = entry.get("badge_id");
    if (badge.empty()) continue;
    if (!counted_scan(entry) && !(presence(entry.get("type")))) continue;
    if (seen.insert(badge).second) badges.emplace_back(badge);
  }
  return badges;
}

FoldItem fold_item(const LogRecord& entry, const std::map<std::string, BadgeFacts>& badges) {
  FoldItem item;
  item.id = entry.id;
  const auto type = entry.get("type");
  const auto badge_id = std::string(entry.get("badge_id"));
  const auto facts = badges.find(badge_id);
  const BadgeFacts none;
  const BadgeFacts& badge = facts == badges.end() ? none : facts->second;
  if (counted_scan(entry)) {
    item.type = "scan";
    const auto person = entry.get("person");
    item.person = person.empty() ? badge_id : std::string(person);
    item.country = badge.country;
    item.category = badge.category;
    item.day = entry.get("day");
    item.status = entry.get("status");
    item.direction = entry.get("direction");
    item.server_ms = entry.get("server_ms");
  } else if (presence(type)) {
    item.type = type;
    item.participant = entry.get("participant_id");
    item.person = !badge_id.empty() ? (badge.person.empty() ? badge_id : badge.person)
                                    : "~" + item.participant;
    item.country = entry.get("country");
    item.category = entry.get("category");
    item.day = entry.get("day");
    item.status = entry.get("status");
    item.count = entry.get("count");
    item.server_ms = entry.get("server_ms");
  } else if (type == "reset_inside") {
    item.type = "reset_inside";
    item.day = entry.get("day");
    item.count = entry.get("count");
  } else {
    item.type = "other";
  }
  return item;
}

bool stream_id_after(std::string_view a, std::string_view b) {
  return id_parts(a) > id_parts(b);
}

}  // namespace rollcall::services::venue
