#include "tools/client/websocket_connection.h"

#include <stdexcept>
#include <type_traits>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "tools/client/errors.h"

namespace rollcall::tools::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct WebSocketConnection::Impl {
  // The io_context outlives the stream (declared first) so pending handlers can be destroyed.
  asio::io_context ioc;
  // One of the two is set once connect() has started: ws:// or wss://.
  std::optional<websocket::stream<beast::tcp_stream>> ws;
  std::optional<websocket::stream<beast::ssl_stream<beast::tcp_stream>>> wss;
  std::shared_ptr<asio::ssl::context> tls;  // set_tls(): later connects use TLS
  beast::flat_buffer read_buffer;
  bool read_pending = false;
  bool read_done = false;
  beast::error_code read_ec;
  bool read_text = false;
  bool open = false;
  std::optional<CloseInfo> close_info;
  std::string accepted_subprotocol;
  std::string token;

  bool connected() const { return ws || wss; }

  // Calls f with whichever stream is set (connected() must hold).
  template <class F>
  decltype(auto) with_ws(F&& f) {
    if (wss) return f(*wss);
    return f(*ws);
  }

  // Runs handlers until `done()` or the deadline; true when done.
  template <class Done>
  bool run_until(Done done, Clock::time_point deadline) {
    ioc.restart();
    while (!done()) {
      if (ioc.run_one_until(deadline) == 0) {
        if (done()) return true;
        if (Clock::now() >= deadline) return false;
        // Out of work without being done would hang forever: a logic error, not a timeout.
        if (ioc.stopped()) throw std::logic_error("websocket: no operation pending");
      }
    }
    return true;
  }

  void drop() {
    open = false;
    if (connected()) {
      with_ws([](auto& stream) {
        beast::error_code ignored;
        beast::get_lowest_layer(stream).socket().close(ignored);
      });
    }
  }

  void mark_closed(const beast::error_code& ec) {
    open = false;
    if (close_info) return;
    // A close frame may arrive and then the socket break while answering it (the server had
    // already gone): the frame's code still says why.
    const auto reason = connected() ? with_ws([](auto& stream) { return stream.reason(); })
                                    : websocket::close_reason{};
    if (connected() && (ec == websocket::error::closed || reason.code != 0)) {
      close_info = CloseInfo{static_cast<int>(reason.code),
                             std::string(reason.reason.data(), reason.reason.size())};
    } else {
      close_info = CloseInfo{1006, ec.message()};
    }
  }

  [[noreturn]] void throw_closed() {
    throw ClosedError(close_info ? close_info->code : 1006,
                      close_info ? close_info->reason : "not connected");
  }
};

WebSocketConnection::WebSocketConnection() : impl_(std::make_unique<Impl>()) {}

WebSocketConnection::~WebSocketConnection() {
  if (impl_->open) close(std::chrono::milliseconds(500));
  impl_->drop();
  // Let cancelled operations finish while the stream still exists.
  impl_->ioc.restart();
  impl_->ioc.run_for(std::chrono::milliseconds(200));
}

void WebSocketConnection::connect(const std::string& host, unsigned short port,
                                  const std::string& target, const std::string& subprotocol,
                                  Timeout timeout) {
  Impl& s = *impl_;
  s.drop();
  s.ws.reset();
  s.wss.reset();
  if (s.tls) {
    s.wss.emplace(s.ioc, *s.tls);
  } else {
    s.ws.emplace(s.ioc);
  }
  s.read_buffer.clear();
  s.read_pending = s.read_done = false;
  s.close_info.reset();
  s.accepted_subprotocol.clear();

  auto deadline = Clock::now() + timeout;
  tcp::resolver resolver(s.ioc);
  auto endpoints = resolver.resolve(host, std::to_string(port));

  s.with_ws([&](auto& ws) {
    auto& stream = beast::get_lowest_layer(ws);
    stream.expires_at(deadline);
    bool done = false;
    beast::error_code ec;
    stream.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) {
      ec = e;
      done = true;
    });
    s.run_until([&] { return done; }, Clock::time_point::max());
    if (ec == beast::error::timeout) throw TimeoutError("websocket: connect timed out");
    if (ec) throw std::runtime_error("websocket connect: " + ec.message());

    if constexpr (!std::is_same_v<std::decay_t<decltype(ws.next_layer())>, beast::tcp_stream>) {
      expect_tls_peer(ws.next_layer().native_handle(), host);
      done = false;
      ws.next_layer().async_handshake(asio::ssl::stream_base::client, [&](beast::error_code e) {
        ec = e;
        done = true;
      });
      s.run_until([&] { return done; }, Clock::time_point::max());
      if (ec == beast::error::timeout) throw TimeoutError("websocket: TLS handshake timed out");
      if (ec) {
        s.drop();
        throw std::runtime_error("websocket TLS handshake: " + ec.message());
      }
    }

    ws.set_option(websocket::stream_base::decorator(
        [subprotocol, token = s.token](websocket::request_type& req) {
          if (!subprotocol.empty())
            req.set(beast::http::field::sec_websocket_protocol, subprotocol);
          if (!token.empty()) req.set(beast::http::field::authorization, "Bearer " + token);
        }));
    ws.read_message_max(64 * 1024 * 1024);
    // One frame per message, as browsers send them: a server refusing an oversized message then
    // answers before the rest arrives, and the close code (1009) is not lost in a broken pipe.
    ws.auto_fragment(false);
    ws.write_buffer_bytes(1024 * 1024);
    websocket::response_type response;
    done = false;
    ws.async_handshake(response, host + ":" + std::to_string(port), target,
                       [&](beast::error_code e) {
                         ec = e;
                         done = true;
                       });
    s.run_until([&] { return done; }, Clock::time_point::max());
    // Reads and writes keep their own deadlines from here on (see read()).
    stream.expires_never();
    if (ec == beast::error::timeout) throw TimeoutError("websocket: handshake timed out");
    if (ec == websocket::error::upgrade_declined) {
      throw HandshakeError(static_cast<int>(response.result_int()), response.body());
    }
    if (ec) throw std::runtime_error("websocket handshake: " + ec.message());
    s.accepted_subprotocol = std::string(response[beast::http::field::sec_websocket_protocol]);
  });

  if (!subprotocol.empty() && s.accepted_subprotocol != subprotocol) {
    s.drop();
    throw std::runtime_error("websocket: server did not accept subprotocol " + subprotocol);
  }
  s.open = true;
}

void WebSocketConnection::write(std::string_view data, bool text, Timeout timeout) {
  Impl& s = *impl_;
  if (!s.open) s.throw_closed();
  bool done = false;
  beast::error_code ec;
  s.with_ws([&](auto& ws) {
    ws.text(text);
    ws.async_write(asio::buffer(data.data(), data.size()), [&](beast::error_code e, std::size_t) {
      ec = e;
      done = true;
    });
  });
  if (!s.run_until([&] { return done; }, Clock::now() + timeout)) {
    s.drop();
    s.run_until([&] { return done; }, Clock::now() + std::chrono::seconds(1));
    throw TimeoutError("websocket: write timed out");
  }
  if (ec) {
    s.mark_closed(ec);
    s.throw_closed();
  }
}

std::optional<Frame> WebSocketConnection::read(Timeout timeout) {
  Impl& s = *impl_;
  if (!s.read_pending && !s.read_done) {
    if (!s.open) s.throw_closed();
    s.read_pending = true;
    s.with_ws([&s](auto& ws) {
      ws.async_read(s.read_buffer, [&s, &ws](beast::error_code e, std::size_t) {
        s.read_ec = e;
        s.read_text = ws.got_text();
        s.read_pending = false;
        s.read_done = true;
      });
    });
  }
  if (!s.run_until([&] { return s.read_done; }, Clock::now() + timeout)) return std::nullopt;
  s.read_done = false;
  if (s.read_ec) {
    s.mark_closed(s.read_ec);
    s.throw_closed();
  }
  Frame frame{s.read_text, beast::buffers_to_string(s.read_buffer.data())};
  s.read_buffer.consume(s.read_buffer.size());
  return frame;
}

void WebSocketConnection::close(Timeout timeout) {
  Impl& s = *impl_;
  if (!s.open || !s.connected()) return;
  bool done = false;
  s.with_ws([&](auto& ws) {
    ws.async_close(websocket::close_code::normal, [&](beast::error_code) { done = true; });
  });
  auto deadline = Clock::now() + timeout;
  try {
    s.run_until([&] { return done; }, deadline);
    // The close completes once the peer's close frame is read; a pending read sees it too.
    if (s.read_pending) s.run_until([&] { return s.read_done; }, deadline);
  } catch (const std::exception&) {
    // Closing is best effort.
  }
  s.open = false;
  s.drop();
}

bool WebSocketConnection::is_open() const {
  return impl_->open;
}

const std::optional<CloseInfo>& WebSocketConnection::close_info() const {
  return impl_->close_info;
}

void WebSocketConnection::set_token(std::string token) {
  impl_->token = std::move(token);
}

void WebSocketConnection::set_tls(std::optional<TlsOptions> tls) {
  impl_->tls = tls ? client_tls_context(*tls) : nullptr;
}

const std::string& WebSocketConnection::accepted_subprotocol() const {
  return impl_->accepted_subprotocol;
}

}  // namespace rollcall::tools::client
