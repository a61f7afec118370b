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
};

}  // namespace rollcall::redis
