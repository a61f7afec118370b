#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/redis_server.h"

namespace rollcall::tests::support {

// A Redis Cluster of `primaries` redis-servers on loopback, each with `replicas` replicas
// (cluster mode, AOF on as RedisServer starts them), joined and given the 16384 slots by
// `redis-cli --cluster create ... --cluster-replicas N --cluster-yes`. A node silent for
// `node_timeout` is failed over to one of its replicas. Gone with the object.
class RedisClusterNodes {
 public:
  explicit RedisClusterNodes(int primaries = 3, int replicas = 0,
                             std::chrono::milliseconds node_timeout = std::chrono::seconds(5));

  std::size_t size() const { return nodes_.size(); }
  RedisServer& node(std::size_t i) { return *nodes_.at(i); }
  // redis+cluster://127.0.0.1:P1,127.0.0.1:P2,...
  std::string url() const;
  // The node ids (CLUSTER MYID).
  std::string id(std::size_t i) const;
  // The index of the node that owns `slot` now, as the first running node's CLUSTER NODES says.
  std::size_t owner(std::uint16_t slot) const;
  // The node that every running node says owns `slot`, once they agree (each learns of a
  // failover from the cluster bus, some later than others); size() if not within `limit`.
  std::size_t agreed_owner(std::uint16_t slot, std::chrono::milliseconds limit) const;
  // Every running node says cluster_state:ok and, when `expected` names a node, that this node
  // owns `slot`. False if not within `limit`.
  bool wait_until_agreed(std::chrono::milliseconds limit, std::uint16_t slot = 0,
                         std::size_t expected = SIZE_MAX) const;

  // A replica of primary `node` has acknowledged every write made on it so far (WAIT 1), within
  // `limit`: a replica may still be syncing after the cluster's creation or its own restart.
  bool wait_until_replicated(std::size_t node, std::chrono::milliseconds limit) const;

  // Moves `slot` to node `to` as `redis-cli --cluster reshard` does: IMPORTING on the target,
  // MIGRATING on the source, the keys MIGRATEd `batch` at a time (`between` called after each
  // batch, e.g. to let clients in), then SETSLOT NODE on every node. Returns the keys moved.
  std::size_t move_slot(std::uint16_t slot, std::size_t to, std::size_t batch = 100,
                        const std::function<void()>& between = {});

 private:
  // The node that CLUSTER NODES' text says owns `slot` (size() if none).
  std::size_t owner_in(const std::string& cluster_nodes, std::uint16_t slot) const;

  std::vector<std::unique_ptr<RedisServer>> nodes_;
  std::vector<std::string> ids_;
};

}  // namespace rollcall::tests::support
