#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redis/reply.h"
#include "services/store/reply_read.h"

namespace rollcall::services::store {

// How much an acknowledged scan survives: nothing beyond memory, a crash minus the last second
// (AOF, fsync every second), or a crash (AOF, fsync before every reply).
enum class Durability { none, everysec, always };

std::optional<Durability> parse_durability(std::string_view name);
std::string_view durability_name(Durability durability);

// What a Redis with these CONFIG values provides.
Durability provided_durability(std::string_view appendonly, std::string_view appendfsync);

// Nullopt when the server provides at least `required`; otherwise what is wrong and how to fix it.
std::optional<std::string> durability_shortfall(Durability required, std::string_view appendonly,
                                                std::string_view appendfsync);

// CONFIG GET append*: the server's appendonly and appendfsync settings.
std::vector<std::string> durability_config_read();
struct DurabilityConfig {
  std::string appendonly;  // "" when the server did not say
  std::string appendfsync;
};
// Its reply (name/value pairs), else the error.
Read<DurabilityConfig> read_durability_config(const redis::Reply& reply);

}  // namespace rollcall::services::store
