#include "tests/support/tcp_proxy.h"

#include <fcntl.h>

#include <array>
#include <atomic>
#include <future>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

namespace rollcall::tests::support {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

enum class Mode { relay, refuse, blackhole };

// The test spawns the gateway and redis-server while the proxy runs: a child that inherited
// the listening socket would keep the port open (and accepting) after cut().
template <class Socket>
void close_on_exec(Socket& socket) {
  ::fcntl(socket.native_handle(), F_SETFD, FD_CLOEXEC);
}

}  // namespace

// Everything below runs on the proxy's own thread; public calls post to it and wait.
struct TcpProxy::Impl {
  // One client connection and its upstream twin; the pumps' handlers keep it alive.
  struct Link : std::enable_shared_from_this<Link> {
    Link(Impl& owner, tcp::socket client)
        : owner(owner), client(std::move(client)), upstream(owner.io) {}

    void start() {
      close_on_exec(client);
      boost::system::error_code ec;
      upstream.open(owner.upstream.protocol(), ec);
      if (ec) return close();
      close_on_exec(upstream);
      upstream.async_connect(owner.upstream, [self = shared_from_this()](auto ec) {
        if (ec) return self->close();
        self->pump(self->client, self->upstream, self->to_upstream);
        self->pump(self->upstream, self->client, self->to_client);
      });
    }

    void pump(tcp::socket& from, tcp::socket& to, std::array<char, 16384>& buffer) {
      from.async_read_some(asio::buffer(buffer), [self = shared_from_this(), &from, &to, &buffer](
                                                     auto ec, std::size_t n) {
        if (ec || self->closed) return self->close();
        if (self->owner.mode == Mode::blackhole) {
          self->lost_bytes = true;
          return self->pump(from, to, buffer);
        }
        asio::async_write(to, asio::buffer(buffer, n),
                          [self, &from, &to, &buffer](auto ec, std::size_t) {
                            if (ec || self->closed) return self->close();
                            self->pump(from, to, buffer);
                          });
      });
    }

    void close() {
      if (closed) return;
      closed = true;
      boost::system::error_code ignored;
      client.close(ignored);
      upstream.close(ignored);
      owner.links.erase(shared_from_this());
    }

    Impl& owner;
    tcp::socket client;
    tcp::socket upstream;
    std::array<char, 16384> to_upstream{};
    std::array<char, 16384> to_client{};
    bool closed = false;
    bool lost_bytes = false;
  };

  Impl(std::string host, unsigned short port)
      : upstream(asio::ip::make_address(host), port), acceptor(io) {
    listen(0);
    local_port = acceptor.local_endpoint().port();
    accept();
    thread = std::thread([this] { io.run(); });
  }

  ~Impl() {
    on_io([this] {
      close_links([](const Link&) { return true; });
      boost::system::error_code ignored;
      acceptor.close(ignored);
    });
    work.reset();
    io.stop();
    thread.join();
  }

  void listen(unsigned short port) {
    const tcp::endpoint endpoint(asio::ip::address_v4::loopback(), port);
    acceptor.open(endpoint.protocol());
    close_on_exec(acceptor);
    // The same port again after cut(): connections closed on our side linger in TIME_WAIT.
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen();
  }

  void accept() {
    acceptor.async_accept([this](auto ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec) {
        ++accepted;
        auto link = std::make_shared<Link>(*this, std::move(socket));
        links.insert(link);
        link->start();
      }
      accept();
    });
  }

  template <class Predicate>
  void close_links(Predicate predicate) {
    const auto current = links;  // close() erases from links
    for (const auto& link : current) {
      if (predicate(*link)) link->close();
    }
  }

  // Runs `f` on the proxy's thread and waits for it; rethrows what it threw.
  template <class F>
  void on_io(F f) {
    std::promise<void> done;
    asio::post(io, [&] {
      try {
        f();
        done.set_value();
      } catch (...) {
        done.set_exception(std::current_exception());
      }
    });
    done.get_future().get();
  }

  asio::io_context io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work{
      asio::make_work_guard(io)};
  tcp::endpoint upstream;
  tcp::acceptor acceptor;
  unsigned short local_port = 0;
  std::set<std::shared_ptr<Link>> links;
  Mode mode = Mode::relay;
  std::atomic<int> accepted = 0;
  std::thread thread;
};

TcpProxy::TcpProxy(std::string upstream_host, unsigned short upstream_port)
    : impl_(std::make_unique<Impl>(std::move(upstream_host), upstream_port)) {}

TcpProxy::~TcpProxy() = default;

unsigned short TcpProxy::port() const {
  return impl_->local_port;
}

void TcpProxy::cut() {
  impl_->on_io([this] {
    impl_->mode = Mode::refuse;
    boost::system::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->close_links([](const Impl::Link&) { return true; });
  });
}

void TcpProxy::blackhole() {
  impl_->on_io([this] { impl_->mode = Mode::blackhole; });
}

void TcpProxy::restore() {
  impl_->on_io([this] {
    impl_->close_links([](const Impl::Link& link) { return link.lost_bytes; });
    if (!impl_->acceptor.is_open()) {
      impl_->listen(impl_->local_port);  // throws if someone took the port meanwhile
      impl_->accept();
    }
    impl_->mode = Mode::relay;
  });
}

int TcpProxy::accepted() const {
  return impl_->accepted;
}

int TcpProxy::open_links() const {
  int count = 0;
  impl_->on_io([&] { count = static_cast<int>(impl_->links.size()); });
  return count;
}

}  // namespace rollcall::tests::support
