#include "services/store/event_reads.h"

#include "services/store/key_commands.h"
#include "services/store/keys.h"

namespace rollcall::services::store {

std::vector<std::string> event_exists_read(std::string_view event_id) {
  return key_exists_read(event_key(event_id));
}

std::vector<std::string> counters_read(std::string_view event_id) {
  return hash_read(counters_key(event_id));
}

std::vector<std::string> event_config_read(std::string_view event_id) {
  return hash_field_read(event_key(event_id), "config");
}

std::vector<std::string> badge_keys_read(std::string_view event_id) {
  return hash_read(badge_keys_key(event_id));
}

std::vector<std::string> secret_read(std::string_view event_id, std::string_view field) {
  return hash_field_read(secrets_key(event_id), field);
}

std::vector<std::string> secret_create(std::string_view event_id, std::string_view field,
                                       std::string_view value) {
  return hash_field_create(secrets_key(event_id), field, value);
}

std::vector<std::string> token_read(std::string_view event_id, std::string_view token_hash) {
  return hash_field_read(tokens_key(event_id), token_hash);
}

std::vector<std::string> event_ids_read() {
  return set_read(kEventsKey);
}

std::vector<std::string> venue_ids_read() {
  return set_read(kVenuesKey);
}

std::vector<std::string> venue_config_read(std::string_view venue_id) {
  return hash_field_read(venue_key(venue_id), "config");
}

std::vector<std::string> venue_events_read(std::string_view venue_id) {
  return hash_field_read(venue_key(venue_id), "events");
}

std::vector<std::string> badge_exists_read(std::string_view event_id, std::string_view badge_id) {
  return key_exists_read(badge_key(event_id, badge_id));
}

std::vector<std::string> badge_hash_read(std::string_view event_id, std::string_view badge_id) {
  return hash_read(badge_key(event_id, badge_id));
}

std::vector<std::string> registry_version_read(std::string_view event_id) {
  return string_read(registry_version_key(event_id));
}

std::vector<std::string> venue_exists_read(std::string_view venue_id) {
  return key_exists_read(venue_key(venue_id));
}

std::vector<std::string> badge_ids_read(std::string_view event_id) {
  return set_read(badges_key(event_id));
}

std::vector<std::string> badge_count_read(std::string_view event_id) {
  return set_size_read(badges_key(event_id));
}

std::vector<std::string> badge_field_read(std::string_view event_id, std::string_view badge_id,
                                          std::string_view field) {
  return hash_field_read(badge_key(event_id, badge_id), field);
}

std::vector<std::string> tokens_read(std::string_view event_id) {
  return hash_read(tokens_key(event_id));
}

std::vector<std::string> persons_read(std::string_view event_id) {
  return hash_read(persons_key(event_id));
}

std::vector<std::string> seq_read(std::string_view event_id) {
  return string_read(seq_key(event_id));
}

std::vector<std::string> inside_read(std::string_view event_id,
                                     const std::vector<std::string>& persons) {
  std::vector<std::string> args = {"SMISMEMBER", inside_key(event_id)};
  args.insert(args.end(), persons.begin(), persons.end());
  return args;
}

Read<std::vector<bool>> read_inside(const redis::Reply& reply, std::size_t persons) {
  using R = Read<std::vector<bool>>;
  constexpr std::string_view kExpected = "one 0 or 1 per person asked";
  if (reply.type != redis::Reply::Type::array || reply.elements.size() != persons) {
    return R::fail(unexpected(reply, kExpected));
  }
  std::vector<bool> inside;
  inside.reserve(persons);
  for (const auto& element : reply.elements) {
    if (element.type != redis::Reply::Type::integer ||
        (element.integer != 0 && element.integer != 1)) {
      return R::fail(unexpected(reply, kExpected));
    }
    inside.push_back(element.integer == 1);
  }
  return R::ok(std::move(inside));
}

Read<std::optional<std::string>> read_field(const redis::Reply& reply) {
  return read_optional_text(reply, "string or nil");
}

Read<std::vector<std::string>> read_members(const redis::Reply& reply) {
  return read_texts(reply, "a set's members", 0);
}

Read<std::vector<std::pair<std::string, std::string>>> read_hash(const redis::Reply& reply) {
  return read_pairs(reply, "a hash's fields and values");
}

Read<bool> read_exists(const redis::Reply& reply) {
  if (reply.type != redis::Reply::Type::integer || (reply.integer != 0 && reply.integer != 1)) {
    return Read<bool>::fail(unexpected(reply, "0 or 1"));
  }
  return Read<bool>::ok(reply.integer == 1);
}

}  // namespace rollcall::services::store
