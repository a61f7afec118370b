#pragma once

#include <cstdint>
#include <optional>

#include "rollcall/v1/rollcall.pb.h"

namespace rollcall::services::privacy {

// When the event is over: midnight after its last day, in its time zone (UTC when the zone is
// empty or unknown), in Unix milliseconds. nullopt when the event lists no days (every date is an
// event day, so it never ends by itself) or a day is not a date.
std::optional<std::int64_t> event_end_ms(const rollcall::v1::Event& event);

}  // namespace rollcall::services::privacy
