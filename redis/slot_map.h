#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redis/reply.h"
#include "redis/url.h"

namespace rollcall::redis {

// Which primary ("host:port") owns each of the 16384 slots of a Redis Cluster, as CLUSTER SLOTS
// says, corrected slot by slot by MOVED redirections.
class SlotMap {
 public:
  SlotMap();

  // CLUSTER SLOTS' reply: [[start, end, [host, port, id...], replicas...]...]. An empty host
  // (a node that does not know its own address) is `sender_host`, the host that answered.
  static std::optional<SlotMap> parse(const Reply& reply, std::string_view sender_host,
                                      std::string* error);

  // "" when no primary owns the slot.
  const std::string& owner(std::uint16_t slot) const;
  void assign(std::uint16_t slot, const std::string& node);
  // Every primary named, in the order first seen (after a MOVED, possibly one that owns no slot
  // any more, until the next CLUSTER SLOTS makes a new map).
  const std::vector<std::string>& nodes() const { return nodes_; }
  // Slots owned by nobody (the cluster is not fully covered while this is above 0).
  std::size_t unowned() const;

 private:
  static constexpr std::uint16_t kNobody = 0xFFFF;
  std::vector<std::uint16_t> owners_;  // index in nodes_, by slot
  std::vector<std::string> nodes_;
};

}  // namespace rollcall::redis
