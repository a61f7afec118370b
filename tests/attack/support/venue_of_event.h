#pragma once

#include <string_view>

#include "tests/support/redis_server.h"

namespace rollcall::tests::attack {

// A venue named like `event`, holding it, with the event's tokens (issued so far) as its own:
// the venue routes and channels of the catalogue are attacked with the same identities as the
// event's (docs/venues.md; services::store venue keys).
void add_venue_of_event(const support::RedisServer& redis, std::string_view event);

}  // namespace rollcall::tests::attack
