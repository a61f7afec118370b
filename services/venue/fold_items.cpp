#include "services/venue/fold_items.h"

#include <charconv>
#include <set>

#include "services/store/function_library.h"
#include "services/store/keys.h"

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

std::optional<std::int64_t> integer(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string_view LogRecord::get(std::string_view name) const {
  for (const auto& [field, value] : fields) {
    if (field == name) return value;
  }
  return {};
}

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

std::vector<std::string> log_read_command(std::string_view event_id, std::string_view after_id) {
  return {"XRANGE", store::log_key(event_id),  "(" + std::string(after_id), "+",
          "COUNT",  std::to_string(kFoldBatch)};
}

std::vector<std::string> fold_command(std::string_view venue_id, std::string_view event_id,
                                      std::string_view after_id,
                                      const std::vector<FoldItem>& items) {
  std::vector<std::string> command{"FCALL",
                                   std::string(store::kVenueFoldFunction),
                                   "1",
                                   store::tag(store::venue_feed(venue_id)),
                                   std::string(event_id),
                                   std::string(after_id)};
  command.reserve(command.size() + items.size() * kFoldItemFields);
  for (const auto& item : items) {
    for (const auto* field :
         {&item.id, &item.type, &item.person, &item.participant, &item.country, &item.category,
          &item.day, &item.status, &item.direction, &item.count, &item.server_ms}) {
      command.push_back(*field);
    }
  }
  return command;
}

std::optional<FoldReply> parse_fold_reply(const std::vector<std::string>& elements) {
  if (elements.size() != 4) return std::nullopt;
  const auto& status = elements[0];
  if (status != "ok" && status != "not_member" && status != "gap" && status != "malformed") {
    return std::nullopt;
  }
  const auto folded = integer(elements[1]);
  const auto seq = integer(elements[3]);
  if (!folded || !seq || *folded < 0 || *seq < 0) return std::nullopt;
  return FoldReply{.status = status, .folded = *folded, .cursor = elements[2], .seq = *seq};
}

bool stream_id_after(std::string_view a, std::string_view b) {
  return id_parts(a) > id_parts(b);
}

}  // namespace rollcall::services::venue
