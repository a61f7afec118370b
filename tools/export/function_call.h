#pragma once

#include <string>
#include <vector>

#include "redis/reply.h"
#include "redis/sync_session.h"

namespace rollcall::tools::exporting {

// FCALL, loading the Functions library first when this Redis has not got it (no gateway of this
// version has connected yet, or a copy restored from an archive). The tools read and write
// through the same Functions as the gateway: the registry read is one.
redis::Reply call_function(redis::SyncSession& redis, const std::vector<std::string>& call);

}  // namespace rollcall::tools::exporting
