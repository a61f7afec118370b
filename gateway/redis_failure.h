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

// A call that failed with `ec`; `link_error` is the connection's last error
// (Connection::last_error()), which says why the link is down.
RedisFailure link_failure(const boost::system::error_code& ec, std::string_view link_error);
// An error reply ("ERR ...", "NOSCRIPT ...") or an unexpected reply type or size.
RedisFailure reply_failure(const redis::Reply& reply, std::string_view expected);

// A reply the store's parser refused (services/store/reply_read.h), its kind and bounded cause.
RedisFailure store_failure(const services::store::ReplyError& error);

// Counts the failure (rollcall_redis_failures_total{site,kind}) and logs it with its cause: the
// first of a site at once, then at most one line per site and second, which carries the number
// of failures it stands for, so an outage cannot flood the log. `site`: "scan", "presence",
// "totals".
void note_redis_failure(Metrics& metrics, std::string_view site, std::string_view event_id,
                        const RedisFailure& failure);

}  // namespace rollcall::gateway
