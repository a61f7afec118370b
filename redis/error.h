#pragma once

#include <string>
#include <system_error>
#include <type_traits>

#include <boost/system/error_code.hpp>

namespace rollcall::redis {

// Failures of the Redis access layer itself. Error replies from Redis are not errors here: they
// arrive as Reply{type=error} with a success code, and the caller decides what they mean.
enum class error {
  unavailable = 1,  // not connected, or the link was lost with the command in flight
  protocol,         // unexpected reply shape, or hiredis refused the command
  subscriber_mode,  // exec() on a connection that is in subscriber mode
  not_replicated,   // executed, but WAIT saw fewer replicas acknowledge it than required
};

const boost::system::error_category& error_category();

boost::system::error_code make_error_code(error e);

}  // namespace rollcall::redis

// Both error_code types accept the enum: Boost's error_category converts to std's, so the same
// codes compare equal through std::error_code too.
template <>
struct boost::system::is_error_code_enum<rollcall::redis::error> : std::true_type {};

template <>
struct std::is_error_code_enum<rollcall::redis::error> : std::true_type {};
