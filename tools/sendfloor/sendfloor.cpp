// rollcall-sendfloor: the floor beside tools/bench's fan-out rows. A broadcast server that does
// only what no WebSocket server can avoid: each tick one frame, built once (its WebSocket header,
// then a payload whose first 8 bytes are the send time, as in ws_reference/server.js), and one
// send(2) of it to every open connection. No queue, no timer, no allocation per message; a
// connection is its socket and, after a short write, the unsent end of that frame. Its CPU per
// delivered message is what a server spends on this machine while each message is one loopback
// send; rollcall's and ws's steps are measured beside it, by the same client.
//
//   rollcall-sendfloor PORT [SIZE_BYTES=2048] [TICK_MS=100]
//
// Handshakes are Beast's; once open, a connection's socket leaves Asio and is only written, with
// MSG_DONTWAIT. A connection whose socket is full still has its last frame's end to send: it
// misses ticks until that is out (counted as dropped). That end is retried at each tick, not as
// soon as the socket drains, so a run whose client falls behind is no bound on delivery (the
// bench's report then judges by the walk over one tick instead). A closed connection is found
// by its failed send and dropped. On SIGTERM or SIGINT it prints what it sent.
// Exit codes: 0 stopped by a signal, 1 could not listen, 2 bad usage.
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

// A binary frame's header, server to client (unmasked), for a payload of `size` bytes.
std::string frame_header(std::size_t size) {
  std::string h(1, '\x82');
  if (size < 126) {
    h += static_cast<char>(size);
  } else if (size < 65536) {
    h += static_cast<char>(126);
    h += static_cast<char>(size >> 8);
    h += static_cast<char>(size & 0xff);
  } else {
    h += static_cast<char>(127);
    for (int shift = 56; shift >= 0; shift -= 8) h += static_cast<char>((size >> shift) & 0xff);
  }
  return h;
}

struct Peer {
  int fd;
  std::string unsent;  // the end of a frame a full socket did not take
};

class Floor {
 public:
  Floor(asio::io_context& io, unsigned short port, std::size_t size, std::chrono::milliseconds tick)
      : io_(io),
        acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port)),
        timer_(io),
        accept_pause_(io),
        signals_(io, SIGTERM, SIGINT),
        tick_(tick),
        stamp_at_(frame_header(size).size()),
        frame_(frame_header(size) + std::string(size, '\0')) {
    for (std::size_t i = 8; i < size; ++i)
      frame_[stamp_at_ + i] = static_cast<char>(32 + i * 7 % 90);
    acceptor_.listen(4096);
  }

  ~Floor() {
    for (const auto& p : peers_) ::close(p.fd);
  }

  void start() {
    accept();
    next_ = std::chrono::steady_clock::now();
    arm();
    signals_.async_wait([this](beast::error_code, int) {
      std::cout << "sendfloor sent " << sent_ << " messages, dropped " << dropped_ << ", "
                << peers_.size() << " connections open" << std::endl;
      io_.stop();  // handshakes in flight are not waited for
    });
  }

 private:
  void accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        handshake(std::move(socket));
        accept();
        return;
      }
      // Out of files or buffers: accepting again at once would spin, and the CPU spent would
      // count as the floor's.
      std::cerr << "sendfloor: accept: " << ec.message() << "\n";
      accept_pause_.expires_after(std::chrono::milliseconds(100));
      accept_pause_.async_wait([this](beast::error_code paused) {
        if (!paused) accept();
      });
    });
  }

  void handshake(tcp::socket socket) {
    auto ws = std::make_shared<websocket::stream<beast::tcp_stream>>(std::move(socket));
    ws->set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws->async_accept([this, ws](beast::error_code ec) {
      if (ec || !acceptor_.is_open()) return;
      beast::error_code ignored;
      const int fd = ws->next_layer().socket().release(ignored);
      if (fd >= 0) peers_.push_back({fd, {}});
    });
  }

  void arm() {
    next_ += tick_;  // a steady cadence: a late tick does not push the next ones back
    timer_.expires_at(next_);
    timer_.async_wait([this](beast::error_code ec) {
      if (ec) return;
      send_all();
      arm();
    });
  }

  void send_all() {
    const double now_us = std::chrono::duration<double, std::micro>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
    std::memcpy(frame_.data() + stamp_at_, &now_us, sizeof now_us);
    std::size_t kept = 0;
    for (auto& p : peers_) {
      if (send_to(p)) {
        if (&peers_[kept] != &p) peers_[kept] = std::move(p);
        ++kept;
      } else {
        ::close(p.fd);
      }
    }
    peers_.resize(kept);
  }

  // Sends what `p` still owes, then this tick's frame; false when its connection is gone.
  bool send_to(Peer& p) {
    if (!p.unsent.empty()) {
      const ssize_t n = write(p.fd, p.unsent);
      if (n < 0) return false;
      p.unsent.erase(0, static_cast<std::size_t>(n));
      if (!p.unsent.empty()) {
        ++dropped_;
        return true;
      }
    }
    const ssize_t n = write(p.fd, frame_);
    if (n < 0) return false;
    if (n == 0) {
      ++dropped_;
      return true;
    }
    ++sent_;
    if (static_cast<std::size_t>(n) < frame_.size()) p.unsent.assign(frame_, n);
    return true;
  }

  // Bytes written, 0 when the socket is full, -1 when the connection is gone.
  static ssize_t write(int fd, std::string_view bytes) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n >= 0) return n;
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  asio::steady_timer timer_;
  asio::steady_timer accept_pause_;
  asio::signal_set signals_;
  std::chrono::milliseconds tick_;
  std::chrono::steady_clock::time_point next_;
  std::size_t stamp_at_;
  std::string frame_;
  std::vector<Peer> peers_;
  unsigned long long sent_ = 0, dropped_ = 0;
};

bool parse(const char* text, long min, long max, long* out) {
  const std::string_view s(text);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && *out >= min && *out <= max;
}

}  // namespace

int main(int argc, char** argv) {
  long port = 0, size = 2048, tick_ms = 100;
  if (argc < 2 || argc > 4 || !parse(argv[1], 1, 65535, &port) ||
      (argc > 2 && !parse(argv[2], 8, 1 << 20, &size)) ||
      (argc > 3 && !parse(argv[3], 1, 60000, &tick_ms))) {
    std::cerr << "usage: rollcall-sendfloor PORT [SIZE_BYTES=2048 (8..1048576)] "
                 "[TICK_MS=100 (1..60000)]\n";
    return 2;
  }
  rlimit limit{};  // as many connections as this process may hold files
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
  try {
    asio::io_context io(1);
    Floor floor(io, static_cast<unsigned short>(port), static_cast<std::size_t>(size),
                std::chrono::milliseconds(tick_ms));
    floor.start();
    std::cout << "sendfloor listening on 127.0.0.1:" << port << ", " << size << " B every "
              << tick_ms << " ms" << std::endl;
    io.run();
  } catch (const std::exception& e) {
    std::cerr << "sendfloor: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
