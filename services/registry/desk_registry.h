#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rollcall/v1/registration.pb.h"
#include "services/registry/walk_in.h"

namespace rollcall::services::registry {

// What the registry Functions (rollcall_register_badge, rollcall_replace_badge in
// services/store/rollcall.lua) answered.
enum class RegistryStatus {
  issued,            // created now, or earlier for the same request_id (replay)
  badge_exists,      // the walk-in's id, or the replacement's new id, is taken
  unknown_badge,     // the badge to replace is not in the registry
  already_replaced,  // the badge to replace is revoked already (detail: its successor, if any)
};

struct RegistryAnswer {
  RegistryStatus status = RegistryStatus::issued;
  bool replay = false;
  rollcall::v1::Badge badge;  // issued: the new badge; otherwise only badge_id (the one at fault)
  std::string replaced;       // a replacement: the badge now revoked
  std::string first_day;      // the badge's validity, for its signed code ("" = unbounded)
  std::string last_day;
  std::string detail;  // already_replaced: the successor's badge id, or empty
  std::int64_t seq = 0;
};

// FCALL rollcall_register_badge for a checked walk-in whose badge_id is set. `who`: the id of the
// token that registers it.
std::vector<std::string> register_badge_command(std::string_view event_id,
                                                const std::string& request_id,
                                                const CheckedWalkIn& walk_in,
                                                const std::string& who, std::int64_t server_ms);

// FCALL rollcall_replace_badge: revoke old_id as replaced and issue new_id for its person.
std::vector<std::string> replace_badge_command(std::string_view event_id,
                                               const std::string& request_id,
                                               const std::string& old_id, const std::string& new_id,
                                               rollcall::v1::ReplacementReason reason,
                                               const std::string& who, std::int64_t server_ms);

// The Functions' reply (its elements as text); nullopt when it is not their shape.
std::optional<RegistryAnswer> registry_answer_from_reply(const std::vector<std::string>& fields);

// A badge id the gateway makes when the desk gives none: prefix + 8 characters of RFC 4648
// base32 (A-Z, 2-7: no 0/O or 1/I to confuse when read aloud, and all in a QR code's
// alphanumeric set) from the low 40 bits of `random`. 2^40 ids: a collision is refused by the
// Function (badge_exists), never overwrites.
std::string make_badge_id(std::string_view prefix, std::uint64_t random);
inline constexpr std::string_view kWalkInPrefix = "W-";
inline constexpr std::string_view kReplacementPrefix = "R-";

}  // namespace rollcall::services::registry
