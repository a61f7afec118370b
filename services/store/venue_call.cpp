#include "services/store/venue_call.h"

#include "services/store/key_commands.h"
#include "services/store/keys.h"

namespace rollcall::services::store {

std::vector<std::string> venue_write(std::string_view venue_id, std::string_view config_json,
                                     std::string_view member_list) {
  return hash_write(venue_key(venue_id),
                    {{"config", std::string(config_json)}, {"events", std::string(member_list)}});
}

std::vector<std::string> venue_register(std::string_view venue_id) {
  return set_add(kVenuesKey, {std::string(venue_id)});
}

std::vector<std::string> venue_person_write(std::string_view venue_id, std::string_view person_id,
                                            std::string_view country) {
  return hash_field_write(venue_persons_key(venue_id), person_id, country);
}

std::vector<std::string> venue_persons_read(std::string_view venue_id) {
  return hash_read(venue_persons_key(venue_id));
}

std::vector<std::string> venue_persons_count_read(std::string_view venue_id) {
  return hash_length_read(venue_persons_key(venue_id));
}

std::vector<std::string> venue_persons_lookup(std::string_view venue_id,
                                              const std::vector<std::string>& person_ids) {
  std::vector<std::string> command = {"HMGET", venue_persons_key(venue_id)};
  command.insert(command.end(), person_ids.begin(), person_ids.end());
  return command;
}

Read<std::vector<std::optional<std::string>>> read_venue_persons_lookup(const redis::Reply& reply,
                                                                        std::size_t persons) {
  using R = Read<std::vector<std::optional<std::string>>>;
  constexpr std::string_view kExpected = "one country or nil per person asked";
  if (reply.type != redis::Reply::Type::array || reply.elements.size() != persons) {
    return R::fail(unexpected(reply, kExpected));
  }
  std::vector<std::optional<std::string>> countries;
  countries.reserve(persons);
  for (const auto& element : reply.elements) {
    auto country = read_optional_text(element, kExpected);
    if (!country) return R::fail(std::move(country.error));
    countries.push_back(std::move(*country));
  }
  return R::ok(std::move(countries));
}

}  // namespace rollcall::services::store
