#include "tests/attack/support/frame_client.h"

#include <deque>
#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "tools/client/errors.h"

namespace rollcall::tests::attack {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using Clock = std::chrono::steady_clock;

struct FrameClient::Impl {
  asio::io_context ioc;  // first: outlives the stream's pending handlers
  std::optional<websocket::stream<beast::tcp_stream>> ws;
  beast::flat_buffer buffer;
  std::deque<Frame> frames;
  int pongs = 0;
  std::optional<CloseInfo> closed;

  template <class Done>
  bool run_until(Done done, Clock::time_point deadline) {
    ioc.restart();
    while (!done()) {
      if (ioc.run_one_until(deadline) == 0 && (ioc.stopped() || Clock::now() >= deadline)) {
        return done();  // out of time, or out of work (closed, nothing pending)
      }
    }
    return true;
  }

  // Starts one write with `start(handler)` and waits for it: false once the connection is
  // closed; a write stuck past `timeout` drops the connection and throws "<what> timed out".
  template <class Start>
  bool write(Start start, Timeout timeout, const std::string& what) {
    if (closed) return false;
    bool done = false;
    beast::error_code ec;
    start([&](beast::error_code e, auto&&...) { ec = e, done = true; });
    if (!run_until([&] { return done; }, Clock::now() + timeout)) {
      beast::error_code ignored;
      beast::get_lowest_layer(*ws).socket().close(ignored);
      run_until([&] { return done; }, Clock::now() + std::chrono::seconds(1));
      throw tools::client::TimeoutError(what + " timed out");
    }
    return !ec && !closed;
  }

  void record_close(const beast::error_code& ec) {
    if (closed) return;
    const auto reason = ws->reason();
    if (ec == websocket::error::closed || reason.code != websocket::close_code::none) {
      closed = CloseInfo{static_cast<int>(reason.code),
                         std::string(reason.reason.data(), reason.reason.size())};
    } else {
      closed = CloseInfo{1006, ec.message()};
    }
  }

  void read_forever() {
    ws->async_read(buffer, [this](beast::error_code ec, std::size_t) {
      if (ec) {
        record_close(ec);
        return;
      }
      frames.push_back(Frame{ws->got_text(), beast::buffers_to_string(buffer.data())});
      buffer.consume(buffer.size());
      read_forever();
    });
  }
};

FrameClient::FrameClient() : impl_(std::make_unique<Impl>()) {}

FrameClient::~FrameClient() {
  if (impl_->ws) {
    beast::error_code ignored;
    beast::get_lowest_layer(*impl_->ws).socket().close(ignored);
    impl_->ioc.restart();
    impl_->ioc.run_for(std::chrono::milliseconds(100));
  }
}

void FrameClient::connect(const std::string& host, unsigned short port, const std::string& target,
                          const std::string& token, bool json, Timeout timeout) {
  Impl& s = *impl_;
  s.ws.emplace(s.ioc);
  s.frames.clear();
  s.closed.reset();
  s.pongs = 0;
  const auto deadline = Clock::now() + timeout;
  auto& tcp = beast::get_lowest_layer(*s.ws);
  tcp.expires_at(deadline);
  asio::ip::tcp::resolver resolver(s.ioc);
  beast::error_code ec;
  bool done = false;
  tcp.async_connect(resolver.resolve(host, std::to_string(port)),
                    [&](beast::error_code e, const auto&) { ec = e, done = true; });
  s.run_until([&] { return done; }, Clock::time_point::max());
  if (ec) throw std::runtime_error("connect: " + ec.message());
  s.ws->set_option(websocket::stream_base::decorator([token, json](websocket::request_type& req) {
    if (json) req.set(beast::http::field::sec_websocket_protocol, "rollcall.v1.json");
    if (!token.empty()) req.set(beast::http::field::authorization, "Bearer " + token);
  }));
  s.ws->read_message_max(64 * 1024 * 1024);
  s.ws->auto_fragment(false);
  s.ws->write_buffer_bytes(1024 * 1024);
  s.ws->control_callback([&s](websocket::frame_type kind, beast::string_view) {
    if (kind == websocket::frame_type::pong) ++s.pongs;
  });
  websocket::response_type response;
  done = false;
  s.ws->async_handshake(response, host, target, [&](beast::error_code e) { ec = e, done = true; });
  s.run_until([&] { return done; }, Clock::time_point::max());
  tcp.expires_never();
  if (ec == websocket::error::upgrade_declined) {
    throw tools::client::HandshakeError(static_cast<int>(response.result_int()), response.body());
  }
  if (ec) throw std::runtime_error("handshake: " + ec.message());
  s.read_forever();
}

bool FrameClient::send(std::string_view data, bool text, Timeout timeout) {
  return impl_->write(
      [&](auto done) {
        impl_->ws->text(text);
        impl_->ws->async_write(asio::buffer(data.data(), data.size()), done);
      },
      timeout, "write");
}

bool FrameClient::fragment(Timeout timeout) {
  return impl_->write(
      [&](auto done) {
        impl_->ws->binary(true);
        impl_->ws->async_write_some(false, asio::const_buffer(), done);
      },
      timeout, "fragment");
}

bool FrameClient::ping(Timeout timeout) {
  return control(false, timeout);
}

bool FrameClient::pong(Timeout timeout) {
  return control(true, timeout);
}

bool FrameClient::control(bool pong, Timeout timeout) {
  return impl_->write(
      [&](auto done) {
        if (pong) {
          impl_->ws->async_pong({}, done);
        } else {
          impl_->ws->async_ping({}, done);
        }
      },
      timeout, pong ? "pong" : "ping");
}

std::optional<Frame> FrameClient::next(Timeout timeout) {
  Impl& s = *impl_;
  s.run_until([&] { return !s.frames.empty() || s.closed.has_value(); }, Clock::now() + timeout);
  if (s.frames.empty()) return std::nullopt;
  auto frame = std::move(s.frames.front());
  s.frames.pop_front();
  return frame;
}

void FrameClient::pump(Timeout duration) {
  impl_->run_until([] { return false; }, Clock::now() + duration);
}

bool FrameClient::wait_closed(Timeout timeout) {
  Impl& s = *impl_;
  return s.run_until([&] { return s.closed.has_value(); }, Clock::now() + timeout);
}

std::size_t FrameClient::queued() const {
  return impl_->frames.size();
}

int FrameClient::pongs() const {
  return impl_->pongs;
}

const std::optional<CloseInfo>& FrameClient::close_info() const {
  return impl_->closed;
}

}  // namespace rollcall::tests::attack
