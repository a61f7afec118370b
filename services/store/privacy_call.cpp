#include "services/store/privacy_call.h"

#include "services/store/event_log_reader.h"
#include "services/store/function_library.h"
#include "services/store/key_commands.h"
#include "services/store/keys.h"

namespace rollcall::services::store {

std::vector<std::string> shredded_read(std::string_view event_id) {
  return hash_field_read(event_key(event_id), "shredded_ms");
}

std::vector<std::string> shredded_write(std::string_view event_id, std::int64_t ms) {
  return hash_field_write(event_key(event_id), "shredded_ms", std::to_string(ms));
}

std::vector<std::string> erased_write(std::string_view event_id, std::int64_t ms) {
  return hash_field_write(event_key(event_id), "erased_ms", std::to_string(ms));
}

std::vector<std::string> shred_key_read(std::string_view event_id) {
  return hash_field_read(event_key(event_id), "shred_key");
}

std::vector<std::string> shred_key_create(std::string_view event_id, std::string_view key_hex) {
  return hash_field_create(event_key(event_id), "shred_key", key_hex);
}

std::vector<std::string> shred_key_delete(std::string_view event_id) {
  return hash_field_delete(event_key(event_id), "shred_key");
}

std::vector<std::string> erased_marks_add(std::string_view event_id,
                                          const std::vector<std::string>& marks) {
  return set_add(erased_key(event_id), marks);
}

std::vector<std::string> erased_mark_read(std::string_view event_id, std::string_view mark) {
  return set_member_read(erased_key(event_id), mark);
}

std::vector<std::string> log_rewrite_clear(std::string_view event_id) {
  return key_delete(log_rewrite_key(event_id));
}

std::vector<std::string> log_rewrite_add(
    std::string_view event_id, std::string_view entry_id,
    const std::vector<std::pair<std::string, std::string>>& fields) {
  return stream_add(log_rewrite_key(event_id), entry_id, fields);
}

std::vector<std::string> privacy_swap_call(const PrivacySwapCall& call) {
  std::vector<std::string> args = {"FCALL",       std::string(kPrivacySwapFunction),
                                   "1",           tag(call.event_id),
                                   call.after_id, std::to_string(call.ids.size())};
  args.insert(args.end(), call.ids.begin(), call.ids.end());
  args.push_back(std::to_string(call.texts.size()));
  args.insert(args.end(), call.texts.begin(), call.texts.end());
  for (const auto& command : call.commands) {
    args.push_back(std::to_string(command.size()));
    args.insert(args.end(), command.begin(), command.end());
  }
  return args;
}

Read<PrivacySwapReply> read_privacy_swap(const redis::Reply& reply) {
  using R = Read<PrivacySwapReply>;
  constexpr std::string_view kExpected = "[\"swapped\", copied] or [\"retry\", entry id]";
  if (reply.type != redis::Reply::Type::array || reply.elements.size() != 2 ||
      reply.elements[0].type != redis::Reply::Type::string) {
    return R::fail(unexpected(reply, kExpected));
  }
  const auto& status = reply.elements[0].str;
  const auto& detail = reply.elements[1];
  if (status == "swapped" && detail.type == redis::Reply::Type::integer && detail.integer >= 0) {
    return R::ok({.swapped = true, .copied = detail.integer});
  }
  if (status == "retry" && detail.type == redis::Reply::Type::string &&
      stream_id_parts(detail.str)) {
    return R::ok({.swapped = false, .retry_from = detail.str});
  }
  return R::fail(unexpected(reply, kExpected));
}

}  // namespace rollcall::services::store
