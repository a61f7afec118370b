#include "services/store/totals_call.h"

#include "services/store/function_library.h"
#include "services/store/keys.h"

namespace rollcall::services::store {

std::vector<std::string> totals_call(std::string_view feed_id) {
  return {"FCALL_RO", std::string(kTotalsFunction), "1", tag(feed_id)};
}

Read<TotalsReply> read_totals_reply(const redis::Reply& reply) {
  using R = Read<TotalsReply>;
  constexpr std::string_view kExpected = "the totals function's [seq, counters]";
  if (reply.type != redis::Reply::Type::array || reply.elements.size() != 2 ||
      reply.elements[0].type != redis::Reply::Type::integer || reply.elements[0].integer < 0) {
    return R::fail(unexpected(reply, kExpected));
  }
  auto flat = read_pairs(reply.elements[1], "the totals function's counters (name, value...)");
  if (!flat) return R::fail(std::move(flat.error));
  TotalsReply totals{.seq = static_cast<std::uint64_t>(reply.elements[0].integer)};
  totals.counters.reserve(flat->size());
  for (auto& [name, text] : *flat) {
    const auto value = to_int64(text);
    if (!value) {
      return R::fail({.kind = "reply_shape",
                      .cause = "counter \"" + bounded_text(name) + "\" is \"" + bounded_text(text) +
                               "\", not a number"});
    }
    totals.counters.emplace_back(std::move(name), *value);
  }
  return R::ok(std::move(totals));
}

}  // namespace rollcall::services::store
