#include "tools/export/function_call.h"

#include <stdexcept>

#include "services/store/function_library.h"

namespace rollcall::tools::exporting {

redis::Reply call_function(redis::SyncSession& redis, const std::vector<std::string>& call) {
  namespace store = services::store;
  try {
    return redis.query(call);
  } catch (const std::runtime_error& e) {
    if (!store::is_function_missing(e.what())) throw;
  }
  // In a Redis Cluster the call may be MOVED to a node that lacks the library too.
  redis.on_every_node(store::function_load());
  return redis.query(call);
}

}  // namespace rollcall::tools::exporting
