#include "services/store/durability.h"

namespace rollcall::services::store {

std::optional<Durability> parse_durability(std::string_view name) {
  if (name == "none") return Durability::none;
  if (name == "everysec") return Durability::everysec;
  if (name == "always") return Durability::always;
  return std::nullopt;
}

std::string_view durability_name(Durability durability) {
  switch (durability) {
    case Durability::none:
      return "none";
    case Durability::everysec:
      return "everysec";
    case Durability::always:
      return "always";
  }
  return "none";
}

Durability provided_durability(std::string_view appendonly, std::string_view appendfsync) {
  if (appendonly != "yes") return Durability::none;
  if (appendfsync == "always") return Durability::always;
  if (appendfsync == "everysec") return Durability::everysec;
  return Durability::none;  // "no": the kernel flushes when it likes
}

std::optional<std::string> durability_shortfall(Durability required, std::string_view appendonly,
                                                std::string_view appendfsync) {
  const auto provided = provided_durability(appendonly, appendfsync);
  if (provided >= required) return std::nullopt;
  return "Redis has appendonly=" + std::string(appendonly) +
         " appendfsync=" + std::string(appendfsync) + " (" +
         std::string(durability_name(provided)) + "), but this gateway requires " +
         std::string(durability_name(required)) + ": set appendonly yes and appendfsync " +
         std::string(durability_name(required)) +
         " (deploy/redis/redis.conf), or start the gateway with --durability " +
         std::string(durability_name(provided));
}

std::vector<std::string> durability_config_read() {
  return {"CONFIG", "GET", "append*"};
}

Read<DurabilityConfig> read_durability_config(const redis::Reply& reply) {
  auto pairs = read_pairs(reply, "CONFIG GET's names and values");
  if (!pairs) return Read<DurabilityConfig>::fail(std::move(pairs.error));
  DurabilityConfig config;
  for (auto& [name, value] : *pairs) {
    if (name == "appendonly") config.appendonly = std::move(value);
    if (name == "appendfsync") config.appendfsync = std::move(value);
  }
  return Read<DurabilityConfig>::ok(std::move(config));
}

}  // namespace rollcall::services::store
