#pragma once

#include <exception>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace rollcall::gateway {

// The gateway's one completion token: inside a coroutine, an operation yields its error code (and
// results) as a tuple instead of throwing, so every failure is handled where it happens.
inline constexpr boost::asio::as_tuple_t<boost::asio::use_awaitable_t<>> use_tuple{};

// How a loop the gateway cannot serve without is spawned (the listener, the hub's ticks, the
// leases, the folds, a presence batch): a throw in it must not end it silently, leaving a
// gateway that looks alive but no longer accepts or counts. It reaches IoPool::run, which stops
// the gateway with its cause. (A connection's own coroutine uses server::SessionEnd instead.)
struct RethrowToPool {
  void operator()(std::exception_ptr failure) const {
    if (failure) std::rethrow_exception(failure);
  }
};
inline constexpr RethrowToPool rethrow_to_pool{};

}  // namespace rollcall::gateway
