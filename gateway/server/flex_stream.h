#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/append.hpp>
#include <boost/asio/associator.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/teardown.hpp>

namespace rollcall::gateway::server {

// Sees every byte read from a FlexStream before Beast does (FrameGate counts frames with it),
// and may stop the reading there: the read then fails, and Beast acts on none of its bytes.
class ReadWatcher {
 public:
  // false: the read fails (connection_aborted) instead of delivering `bytes`.
  virtual bool on_read(std::string_view bytes) = 0;

 protected:
  ~ReadWatcher() = default;
};

namespace detail {

// Moves the first of `received` (bytes read before the channel's own reads) into `buffers`; its
// storage goes once it is empty (up to 64 KiB, the client's choice). Returns the bytes moved.
template <class MutableBuffers>
std::size_t take_received(std::string& received, const MutableBuffers& buffers) {
  const auto n = boost::asio::buffer_copy(buffers, boost::asio::buffer(received));
  received.erase(0, n);
  if (received.empty()) std::string().swap(received);
  return n;
}

// A read's handler that shows the bytes read to the stream's watcher first. The watcher is
// taken from a cell shared with the stream when the read completes: a watcher gone meanwhile
// has unset it, and a stream gone meanwhile leaves the cell to the handler.
template <class Handler, class Buffers>
struct WatchedRead {
  Handler handler;
  Buffers buffers;
  std::shared_ptr<ReadWatcher*> watcher;

  void operator()(boost::beast::error_code ec, std::size_t n) {
    if (*watcher != nullptr) {
      bool go_on = true;
      std::size_t left = n;
      for (auto it = boost::asio::buffer_sequence_begin(buffers);
           go_on && left > 0 && it != boost::asio::buffer_sequence_end(buffers); ++it) {
        const boost::asio::const_buffer buffer(*it);
        const auto take = std::min(left, buffer.size());
        go_on = (*watcher)->on_read({static_cast<const char*>(buffer.data()), take});
        left -= take;
      }
      if (!go_on) {
        ec = boost::asio::error::connection_aborted;
        n = 0;
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
          if (watcher_ && *watcher_) {
            read_some(buffers, detail::WatchedRead<decltype(handler), MutableBuffers>{
                                   std::move(handler), buffers, watcher_});
          } else {
            read_some(buffers, std::move(handler));
          }
        },
        token, buffers);
  }

  // Bytes the HTTP session read past an upgrade request: a client that sent its first frames in
  // the same write gets them read before the socket's, not lost.
  void give_back(std::string_view bytes) { received_.assign(bytes); }
  // Those bytes, for a channel that takes the socket out of this stream.
  std::string take_received() { return std::exchange(received_, {}); }

  // Every later read, and one in flight, is shown to `watcher` (null: to nobody) when it
  // completes.
  void watch_reads(ReadWatcher* watcher) {
    if (!watcher_) watcher_ = std::make_shared<ReadWatcher*>();
    *watcher_ = watcher;
  }

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
    if (!received_.empty()) {
      const auto n = detail::take_received(received_, buffers);
      boost::asio::post(get_executor(), boost::asio::append(std::forward<Handler>(handler),
                                                            boost::beast::error_code{}, n));
      return;
    }
    if (tls_) {
      tls_->async_read_some(buffers, std::forward<Handler>(handler));
    } else {
      plain_->async_read_some(buffers, std::forward<Handler>(handler));
    }
  }

  std::shared_ptr<ReadWatcher*> watcher_;  // only for the channels that are watched
  std::string received_;                   // given back, not read yet
  std::optional<boost::beast::tcp_stream> plain_;
  std::optional<TlsStream> tls_;
};

}  // namespace rollcall::gateway::server

// A watched read keeps its handler's executor, allocator and cancellation slot (Beast's
// composed operations run on them).
template <template <typename, typename> class Associator, class Handler, class Buffers,
          class DefaultCandidate>
struct boost::asio::associator<
    Associator, rollcall::gateway::server::detail::WatchedRead<Handler, Buffers>, DefaultCandidate>
    : Associator<Handler, DefaultCandidate> {
  using Read = rollcall::gateway::server::detail::WatchedRead<Handler, Buffers>;
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
