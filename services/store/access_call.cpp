#include "services/store/access_call.h"

#include "services/store/event_reads.h"
#include "services/store/function_library.h"
#include "services/store/key_commands.h"
#include "services/store/keys.h"

namespace rollcall::services::store {

std::vector<std::string> token_create(std::string_view event_id, std::string_view token_hash,
                                      std::string_view record_json) {
  return hash_field_create(tokens_key(event_id), token_hash, record_json);
}

std::vector<std::string> token_write(std::string_view event_id, std::string_view token_hash,
                                     std::string_view record_json) {
  return hash_field_write(tokens_key(event_id), token_hash, record_json);
}

std::vector<std::string> token_exists_read(std::string_view event_id, std::string_view token_hash) {
  return hash_field_exists_read(tokens_key(event_id), token_hash);
}

std::vector<std::string> forget_desk_call(std::string_view event_id, std::string_view desk_id,
                                          std::int64_t server_ms) {
  return {"FCALL",
          std::string(kForgetDeskFunction),
          "1",
          tag(event_id),
          std::string(desk_id),
          std::to_string(server_ms)};
}

Read<std::int64_t> read_forget_desk(const redis::Reply& reply) {
  return read_count(reply);
}

std::vector<std::string> desk_unforget(std::string_view event_id, std::string_view desk_id) {
  return set_remove(forgotten_desks_key(event_id), desk_id);
}

std::vector<std::string> badge_key_create(std::string_view event_id, std::string_view key_id,
                                          std::string_view key_json) {
  return hash_field_create(badge_keys_key(event_id), key_id, key_json);
}

std::vector<std::string> badge_key_write(std::string_view event_id, std::string_view key_id,
                                         std::string_view key_json) {
  return hash_field_write(badge_keys_key(event_id), key_id, key_json);
}

std::vector<std::string> badge_key_read(std::string_view event_id, std::string_view key_id) {
  return hash_field_read(badge_keys_key(event_id), key_id);
}

std::vector<std::string> ticket_key_write(std::string_view event_id, std::string_view key_hex) {
  return hash_field_write(secrets_key(event_id), kTicketKeyField, key_hex);
}

Read<bool> read_created(const redis::Reply& reply) {
  return read_exists(reply);
}

}  // namespace rollcall::services::store
