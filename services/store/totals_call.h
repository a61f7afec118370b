#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "redis/reply.h"
#include "services/store/reply_read.h"

// FCALL rollcall_totals (services/store/rollcall.lua totals): every counter of an event (or a
// venue's feed "@VENUE") and the seq they include, read atomically.
namespace rollcall::services::store {

std::vector<std::string> totals_call(std::string_view feed_id);

struct TotalsReply {
  std::uint64_t seq = 0;
  std::vector<std::pair<std::string, std::int64_t>> counters;
};
// [seq, [name, value, ...]]: a non-negative integer seq and whole-number values, else the error.
Read<TotalsReply> read_totals_reply(const redis::Reply& reply);

}  // namespace rollcall::services::store
