#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rollcall/v1/desk.pb.h"
#include "rollcall/v1/rollcall.pb.h"

namespace rollcall::services::checkin {

inline constexpr std::size_t kDeskSyncSaltBytes = 16;
inline constexpr std::size_t kDeskSyncTagBytes = 8;
// The most badges one desk sync carries. A record is at most ~420 bytes of JSON (ids <= 64
// bytes, names <= 200), so an answer stays under ~13 MB; a typical one (11,000 badges) is ~2 MB.
// A larger registry gets no sync: the desk then says it cannot decide offline.
inline constexpr std::size_t kMaxDeskSyncBadges = 30000;

// A badge id as a desk may type it: ASCII letters upper-cased (ids are [A-Za-z0-9_.:-]), so
// "b-ch-1" finds "B-CH-1". Two registry ids that differ only by case share a fold; the desk
// then opens both records and takes the one that matches exactly.
std::string fold_badge_id(std::string_view badge_id);

// kDeskSyncSaltBytes fresh random bytes (libsodium's randombytes).
std::string new_desk_sync_salt();

// The 64 bytes every sealed record derives from: SHA-512("rollcall-desk-sync-v1" || salt ||
// fold(badge_id)). Bytes 0..8 are the lookup tag, 8..32 the nonce, 32..64 the secretbox key.
std::array<std::uint8_t, 64> desk_sync_digest(std::string_view salt, std::string_view badge_id);

// What GET /v1/events/E/desk-sync answers: the event's days, zones, time zone and category
// labels, and for every badge (revoked ones too, so a desk can say "revoked" rather than
// "unknown") a record sealed under a key only the badge id yields. The record is the Badge as
// JSON without its organization; a desk that knows an id learns what scanning it would show,
// and a tablet taken away reveals no list of ids or names. `salt`: kDeskSyncSaltBytes random
// bytes, fresh per answer, so records from two answers cannot be matched. Badges are sorted by
// tag, so the order says nothing about the registry's. nullopt: more than kMaxDeskSyncBadges.
std::optional<v1::DeskSync> build_desk_sync(const v1::Event& event,
                                            const std::vector<v1::Badge>& badges,
                                            std::string_view salt, std::int64_t now_ms);

// Opens one record, as a desk does: the Badge, or false when `badge_id` does not open it.
bool open_desk_sync_record(const v1::DeskSyncBadge& record, std::string_view salt,
                           std::string_view badge_id, v1::Badge* badge);

}  // namespace rollcall::services::checkin
