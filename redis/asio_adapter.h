#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>

struct redisAsyncContext;

namespace rollcall::redis {

using Strand = boost::asio::strand<boost::asio::any_io_executor>;

// Drives a hiredis 0.14 async context from Asio, like hiredis's adapters/libuv.h: hiredis's
// addRead/delRead/addWrite/delWrite/cleanup hooks arm and disarm waits on a stream_descriptor
// over the context's fd, and readiness calls redisAsyncHandleRead/Write on `strand`.
//
// Rules: every hiredis call on this context must run on `strand`. `guard` is the owner's
// lifetime token: once it has expired, readiness events are ignored, so the owner may free the
// context from its destructor. The descriptor never closes hiredis's fd (cleanup releases it).
// Returns false (nothing attached) if the context already has an event library or the fd
// cannot be registered.
bool attach_to_asio(redisAsyncContext* context, Strand strand, std::weak_ptr<void> guard);

// Starts a non-blocking connect to address:port and attaches it to `strand` (as above). On
// failure returns null with *error set; a refused connect's reason is prefixed with `what`.
redisAsyncContext* connect_on_strand(const std::string& address, unsigned short port, Strand strand,
                                     std::weak_ptr<void> guard, std::string_view what,
                                     std::string* error);

// The address to connect to: the first IPv4 one ("localhost" often lists ::1 first while redis
// binds 127.0.0.1), else the first. `results` must not be empty.
boost::asio::ip::address preferred_address(
    const boost::asio::ip::tcp::resolver::results_type& results);

}  // namespace rollcall::redis
