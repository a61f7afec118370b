#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace rollcall::gateway {

// The gateway's one completion token: inside a coroutine, an operation yields its error code (and
// results) as a tuple instead of throwing, so every failure is handled where it happens.
inline constexpr boost::asio::as_tuple_t<boost::asio::use_awaitable_t<>> use_tuple{};

}  // namespace rollcall::gateway
