#pragma once

#include "redis/command.h"

namespace rollcall::redis {

// A command that changes no data (a read such as GET or FCALL_RO of a no-writes function, a
// query such as PING, CLUSTER SLOTS or CONFIG GET): nothing of it is for a replica to acknowledge,
// so a link that WAITs for replicas answers it without a WAIT. Unknown commands are writes.
bool is_read_only(const Command& command);

}  // namespace rollcall::redis
