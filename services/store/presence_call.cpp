#include "services/store/presence_call.h"

#include "services/store/function_library.h"
#include "services/store/keys.h"

namespace rollcall::services::store {

std::vector<std::string> presence_call(const PresenceHead& head,
                                       const std::vector<PresenceCallItem>& items) {
  std::vector<std::string> args = {"FCALL",
                                   std::string(kPresenceFunction),
                                   "1",
                                   tag(head.event_id),
                                   head.holder,
                                   std::to_string(head.lease_until_ms),
                                   std::to_string(head.server_ms),
                                   head.day,
                                   head.minute,
                                   head.via,
                                   head.resync ? "1" : "0"};
  args.reserve(args.size() + items.size() * kPresenceItemArgs);
  for (const auto& item : items) {
    args.push_back(item.presence_id);
    args.push_back(item.join ? "join" : "leave");
    args.push_back(item.participant_id);
    args.push_back(item.badge_id);
    args.push_back(item.country);
    args.push_back(item.category);
    args.push_back(item.platform);
    args.push_back(item.session);
    args.push_back(std::to_string(item.time_ms));
  }
  return args;
}

Read<std::vector<std::string>> read_presence_reply(const redis::Reply& reply, std::size_t items) {
  const auto size = items * 2 + 1;
  return read_texts(reply, "rollcall_presence's " + std::to_string(size) + " fields", size, size);
}

}  // namespace rollcall::services::store
