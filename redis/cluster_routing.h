#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "redis/command.h"
#include "redis/reply.h"

namespace rollcall::redis {

// Where a command goes in a Redis Cluster, and what to do with the answer: pure decisions, so
// that ClusterCommands only carries them out.

struct Route {
  enum class Kind {
    slot,     // to the primary owning `slot`
    any,      // no key: any primary answers it
    refused,  // cannot work through a cluster link; `refusal` says why
  };
  Kind kind = Kind::any;
  std::uint16_t slot = 0;
  // FCALL and EVAL*: the gateway's functions declare only the event's tag and derive every other
  // key of the slot from it, so they must never run on a slot that is half migrated.
  bool script = false;
  std::string refusal;
};

// The route of a command by its keys: FCALL/EVAL* by their declared keys, multi-key commands by
// all of theirs (keys in different slots are refused, as Redis would answer CROSSSLOT), others
// by their first key. Transactions, SCAN, KEYS and subscriptions are refused: they need one node;
// so is SORT with GET or BY patterns, which Redis Cluster denies.
Route route_of(const Command& command);

// A cluster's redirection in an error reply.
struct Redirect {
  enum class Kind { none, moved, ask, try_again, cluster_down };
  Kind kind = Kind::none;
  std::uint16_t slot = 0;
  std::string host;  // "" when Redis did not say (then: the host of the node that answered)
  unsigned short port = 0;
};

Redirect redirect_of(const Reply& reply);

// What to do after a reply to a command routed by `route`, that has already been redirected
// `redirects` times and has waited `waits` times.
struct Step {
  enum class Kind {
    deliver,  // the reply is the answer
    resend,   // MOVED: the slot is the named node's now (refresh the map), send it there
    ask,      // ASK: ASKING then the command, on the named node, this once
    wait,     // the slot is moving (or the cluster is down): send it again after `delay`
    give_up,  // still redirected after the limits: answer unavailable (it did not run)
  };
  Kind kind = Kind::deliver;
  Redirect redirect;
  std::chrono::milliseconds delay{0};
};

struct RedirectLimits {
  int redirects = 5;
  // Waits of 10 ms doubling up to 100 ms: about three seconds for a slot to finish moving.
  int waits = 34;
};

Step next_step(const Reply& reply, const Route& route, int redirects, int waits,
               const RedirectLimits& limits = {});

}  // namespace rollcall::redis
