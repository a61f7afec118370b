#include "services/store/venue_fold_call.h"

#include "services/store/function_library.h"
#include "services/store/keys.h"

namespace rollcall::services::store {

std::vector<std::string> venue_fold_call(std::string_view venue_id, std::string_view event_id,
                                         std::string_view after_id,
                                         const std::vector<VenueFoldItem>& items) {
  std::vector<std::string> args{"FCALL",
                                std::string(kVenueFoldFunction),
                                "1",
                                tag(venue_feed(venue_id)),
                                std::string(event_id),
                                std::string(after_id)};
  args.reserve(args.size() + items.size() * kVenueFoldItemArgs);
  for (const auto& item : items) {
    for (const auto* field :
         {&item.id, &item.type, &item.person, &item.participant, &item.country, &item.category,
          &item.day, &item.status, &item.direction, &item.count, &item.server_ms}) {
      args.push_back(*field);
    }
  }
  return args;
}

Read<VenueFoldReply> read_venue_fold_reply(const redis::Reply& reply) {
  using R = Read<VenueFoldReply>;
  constexpr std::string_view kExpected = "rollcall_venue_fold's {status, folded, cursor, seq}";
  auto texts = read_texts(reply, kExpected, 4, 4);
  if (!texts) return R::fail(std::move(texts.error));
  auto& e = *texts;
  const auto folded = to_int64(e[1]);
  const auto seq = to_int64(e[3]);
  const bool known = e[0] == "ok" || e[0] == "not_member" || e[0] == "gap" || e[0] == "malformed";
  if (!known || !folded || !seq || *folded < 0 || *seq < 0) {
    return R::fail({.kind = "reply_shape",
                    .cause = "rollcall_venue_fold answered {" + bounded_text(e[0]) + ", " +
                             bounded_text(e[1]) + ", " + bounded_text(e[2]) + ", " +
                             bounded_text(e[3]) + "}, not " + std::string(kExpected)});
  }
  return R::ok(
      {.status = std::move(e[0]), .folded = *folded, .cursor = std::move(e[2]), .seq = *seq});
}

std::vector<std::string> fold_cursor_read(std::string_view venue_id, std::string_view event_id) {
  return {"HGET", tag(venue_feed(venue_id)) + ":cursor", std::string(event_id)};
}

Read<std::string> read_fold_cursor(const redis::Reply& reply) {
  auto text = read_optional_text(reply, "the venue's cursor (string or nil)");
  if (!text) return Read<std::string>::fail(std::move(text.error));
  return Read<std::string>::ok(text->value_or(std::string(kNoFoldCursor)));
}

std::vector<std::string> badge_facts_read(std::string_view event_id, std::string_view badge_id) {
  return {"HMGET", badge_key(event_id, badge_id), "country", "category", "person"};
}

Read<VenueBadgeFacts> read_badge_facts(const redis::Reply& reply) {
  auto texts = read_texts(reply, "a badge's 3 facts", 3, 3, /*nil_as_empty=*/true);
  if (!texts) return Read<VenueBadgeFacts>::fail(std::move(texts.error));
  auto& e = *texts;
  return Read<VenueBadgeFacts>::ok(
      {.country = std::move(e[0]), .category = std::move(e[1]), .person = std::move(e[2])});
}

}  // namespace rollcall::services::store
