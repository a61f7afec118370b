#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "redis/link_state.h"

namespace rollcall::redis {

// Carries out a LinkState's actions in the order the state machine gave them, for its drivers
// (Connection, and the tests' simulated world). Carrying out an action may report an event at
// once (a refused send, a failed open); that event's actions then wait behind the ones already
// due instead of running inside the action that caused them.
class ActionQueue {
 public:
  // Queues `actions` and, unless called from inside `execute` (then the outer call runs them),
  // runs every queued action through `execute(LinkState::Action&)` until none is left. True
  // when this call ran the queue.
  template <class Execute>
  bool apply(LinkState::Actions&& actions, Execute&& execute) {
    for (auto& action : actions) queue_.push_back(std::move(action));
    if (running_) return false;
    running_ = true;
    // By index: execute() may append (and so move the vector's storage).
    for (std::size_t next = 0; next < queue_.size(); ++next) {
      LinkState::Action action = std::move(queue_[next]);
      execute(action);
    }
    queue_.clear();  // keeps its capacity: the next event allocates nothing here
    running_ = false;
    return true;
  }

 private:
  std::vector<LinkState::Action> queue_;
  bool running_ = false;
};

}  // namespace rollcall::redis
