#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "redis/reply.h"
#include "services/store/reply_read.h"

// FCALL rollcall_presence (services/store/rollcall.lua presence): a batch of joins and leaves
// of one holder (a beacon or a gateway's lease), and its per-item answers. services/presence
// decides which items go and what the answers mean.
namespace rollcall::services::store {

struct PresenceHead {
  std::string event_id;
  std::string holder;
  std::int64_t lease_until_ms = 0;
  std::int64_t server_ms = 0;
  std::string day;
  std::string minute;
  std::string via;
  bool resync = false;
};

struct PresenceCallItem {
  std::string presence_id;
  bool join = true;  // else a leave
  std::string participant_id;
  std::string badge_id;
  std::string country;
  std::string category;
  std::string platform;
  std::string session;
  std::int64_t time_ms = 0;
};
inline constexpr std::size_t kPresenceItemArgs = 9;

std::vector<std::string> presence_call(const PresenceHead& head,
                                       const std::vector<PresenceCallItem>& items);

// [status, replay, ...per item, seq] as text: exactly 2 * items + 1 fields, else the error.
// (What a status means is services/presence's.)
Read<std::vector<std::string>> read_presence_reply(const redis::Reply& reply, std::size_t items);

}  // namespace rollcall::services::store
