#include "tests/attack/support/venue_of_event.h"

#include <string>
#include <vector>

#include "services/store/keys.h"

namespace rollcall::tests::attack {

void add_venue_of_event(const support::RedisServer& redis, std::string_view event) {
  namespace store = services::store;
  const std::string id(event);
  redis.command({"SADD", std::string(store::kVenuesKey), id});
  redis.command({"HSET", store::venue_key(id), "config",
                 "{\"id\":\"" + id + "\",\"name\":\"Attack venue\",\"events\":[\"" + id + "\"]}",
                 "events", "," + id + ","});
  const auto tokens = redis.command({"HGETALL", store::tokens_key(id)});
  std::vector<std::string> copy{"HSET", store::tokens_key(store::venue_feed(id))};
  for (std::size_t start = 0; start < tokens.size();) {
    const auto end = tokens.find('\n', start);
    copy.push_back(tokens.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  redis.command(copy);
}

}  // namespace rollcall::tests::attack
