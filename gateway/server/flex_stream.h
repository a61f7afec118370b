#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

#include <boost/asio/associator.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/teardown.hpp>

namespace rollcall::gateway::server {

// Sees every byte read from a FlexStream, before Beast does (FrameGate counts frames with it).
class ReadWatcher {
 public:
  virtual void on_read(std::string_view bytes) = 0;

 protected:
  ~ReadWatcher() = default;
};

namespace detail {

// A read's handler that shows the bytes read to the stream's watcher first. It takes the
// watcher from the stream when the read completes: a watcher gone meanwhile is unset by then.
template <class Handler, class Buffers, class Stream>
struct WatchedRead {
  Handler handler;
  Buffers buffers;
  Stream* stream;

  void operator()(boost::beast::error_code ec, std::size_t n) {
    if (auto* watcher = stream->watcher()) {
      std::size_t left = n;
      for (auto it = boost::asio::buffer_sequence_begin(buffers);
           left > 0 && it != boost::asio::buffer_sequence_end(buffers); ++it) {
        const boost::asio::const_buffer buffer(*it);
        const auto take = std::min(left, buffer.size());
        watcher->on_read({static_cast<const char*>(buffer.data()), take});
        left -= take;
      }
    }
    std::move(handler)(ec, n);
  }
};

}  // namespace detail

// A connection's bytes: plain TCP, or TLS over TCP when the gateway has a certificate. The
// sessions are written once against this type and each read or write picks its layer with one
// branch, so no session code is duplicated or moved into headers as templates.
// get_lowest_layer() reaches the tcp_stream either way (timeouts, closing the socket).
class FlexStream {
 public:
  using executor_type = boost::beast::tcp_stream::executor_type;
  using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

  explicit FlexStream(boost::beast::tcp_stream plain) : plain_(std::move(plain)) {}
  explicit FlexStream(TlsStream tls) : tls_(std::move(tls)) {}
  FlexStream(FlexStream&&) = default;

  executor_type get_executor() { return next_layer().get_executor(); }
  boost::beast::tcp_stream& next_layer() { return tls_ ? tls_->next_layer() : *plain_; }
  const boost::beast::tcp_stream& next_layer() const { return tls_ ? tls_->next_layer() : *plain_; }
  bool is_tls() const { return tls_.has_value(); }
  TlsStream* tls() { return tls_ ? &*tls_ : nullptr; }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::beast::error_code, std::size_t)>(
        [this](auto handler, const MutableBuffers& buffers) {
          if (watcher_) {
            read_some(buffers, detail::WatchedRead<decltype(handler), MutableBuffers, FlexStream>{
                                   std::move(handler), buffers, this});
          } else {
            read_some(buffers, std::move(handler));
          }
        },
        token, buffers);
  }

  // Every later read is shown to `watcher` (null: to nobody) when it completes.
  void watch_reads(ReadWatcher* watcher) { watcher_ = watcher; }
  ReadWatcher* watcher() const { return watcher_; }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::beast::error_code, std::size_t)>(
        [this](auto handler, const ConstBuffers& buffers) {
          if (tls_) {
            tls_->async_write_some(buffers, std::move(handler));
          } else {
            plain_->async_write_some(buffers, std::move(handler));
          }
        },
        token, buffers);
  }

  // Ends the connection politely: TLS close_notify (bounded in time), or a TCP half-close.
  boost::asio::awaitable<void> async_shutdown();

 private:
  template <class MutableBuffers, class Handler>
  void read_some(const MutableBuffers& buffers, Handler&& handler) {
    if (tls_) {
      tls_->async_read_some(buffers, std::forward<Handler>(handler));
    } else {
      plain_->async_read_some(buffers, std::forward<Handler>(handler));
    }
  }

  ReadWatcher* watcher_ = nullptr;
  std::optional<boost::beast::tcp_stream> plain_;
  std::optional<TlsStream> tls_;
};

}  // namespace rollcall::gateway::server

// A watched read keeps its handler's executor, allocator and cancellation slot (Beast's
// composed operations run on them).
template <template <typename, typename> class Associator, class Handler, class Buffers,
          class Stream, class DefaultCandidate>
struct boost::asio::associator<
    Associator, rollcall::gateway::server::detail::WatchedRead<Handler, Buffers, Stream>,
    DefaultCandidate> : Associator<Handler, DefaultCandidate> {
  using Read = rollcall::gateway::server::detail::WatchedRead<Handler, Buffers, Stream>;
  static typename Associator<Handler, DefaultCandidate>::type get(const Read& read) noexcept {
    return Associator<Handler, DefaultCandidate>::get(read.handler);
  }
  static auto get(const Read& read, const DefaultCandidate& candidate) noexcept
      -> decltype(Associator<Handler, DefaultCandidate>::get(read.handler, candidate)) {
    return Associator<Handler, DefaultCandidate>::get(read.handler, candidate);
  }
};

namespace rollcall::gateway::server {

// For websocket::stream<FlexStream>: closing a WebSocket tears down whichever layer it runs on.
void teardown(boost::beast::role_type role, FlexStream& stream, boost::beast::error_code& ec);

template <class TeardownHandler>
void async_teardown(boost::beast::role_type role, FlexStream& stream, TeardownHandler&& handler) {
  using boost::beast::websocket::async_teardown;
  if (auto* tls = stream.tls()) {
    async_teardown(role, *tls, std::forward<TeardownHandler>(handler));
  } else {
    async_teardown(role, stream.next_layer(), std::forward<TeardownHandler>(handler));
  }
}

}  // namespace rollcall::gateway::server
