#pragma once

#include <string>
#include <string_view>

#include <boost/system/error_code.hpp>

#include "gateway/metrics.h"
#include "redis/reply.h"
#include "services/store/reply_read.h"

namespace rollcall::gateway {

// Why a Redis call could not be used: the link's failure, Redis's error reply, or a reply of a
// shape the caller does not read. `kind` is a metrics label: "link", "error_reply",
// "reply_shape".
struct RedisFailure {
  std::string_view kind;
  std::string cause;  // bounded: Redis's text is quoted with registry::quote_input
};

// Redis's text (an error reply can carry what a client sent) quoted for a log line or a cause:
// control characters escaped (\xNN) so it cannot forge a line or drive a terminal, bounded and
// valid UTF-8 (registry::quote_input).
std::string quote_redis_text(std::string_view text);

// A call that failed with `ec`; `link_error` is the connection's last error
// (Connection::last_error()), which says why the link is down.
RedisFailure link_failure(const boost::system::error_code& ec, std::string_view link_error);
// An error reply ("ERR ...", "NOSCRIPT ...") or an unexpected reply type or size.
RedisFailure reply_failure(const redis::Reply& reply, std::string_view expected);

// A reply the store's parser refused (services/store/reply_read.h), its kind and bounded cause.
RedisFailure store_failure(const services::store::ReplyError& error);
// The same for the `reply` it was read from: an error reply's text is quoted as reply_failure
// quotes it (control characters escaped, not blurred), so both paths log the same line.
RedisFailure store_failure(const services::store::ReplyError& error, const redis::Reply& reply);

// Counts the failure (rollcall_redis_failures_total{site,kind}) and logs it with its cause: the
// first of a site at once, then at most one line per site and second, which carries the number
// of failures it stands for, so an outage cannot flood the log. `site`: where it happened
// ("scan", "presence", "totals", "event", "token", ...).
void note_redis_failure(Metrics& metrics, std::string_view site, std::string_view event_id,
                        const RedisFailure& failure);

}  // namespace rollcall::gateway
