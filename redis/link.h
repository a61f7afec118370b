#pragma once

#include <functional>
#include <string>

#include "redis/commands.h"

namespace rollcall::redis {

// A Commands that its owner starts, stops and watches: one Connection, or a ClusterCommands
// over one Connection per primary. The gateway holds its commands' link as a Link.
class Link : public Commands {
 public:
  // Starts connecting (and reconnecting for ever, until stop()).
  virtual void start() = 0;
  virtual void stop() = 0;
  // Called each time the link becomes ready or is lost; `cause` says why it was lost (as
  // last_error() does), "" when it became ready.
  virtual void on_state_change(
      std::function<void(bool ready, const std::string& cause)> callback) = 0;
  // WAIT mode (LinkOptions::wait_replicas): called when a primary's replicas become short
  // (`enough` false: its writes answer not_replicated at once) and when they are enough again,
  // or its link closed; `detail` names the node and the WAIT that said so. Reports of one node
  // alternate, starting with a short one.
  virtual void on_replicas(
      std::function<void(bool enough, const std::string& detail)> callback) = 0;
};

}  // namespace rollcall::redis
