#pragma once

#include <memory>
#include <string>

namespace rollcall::tests::support {

// A TCP relay on loopback between clients and one upstream server (e.g. the gateway and its
// Redis), run on its own thread, so a test can break the network between two real processes
// and mend it without touching either of them. Thread-safe: every call returns once done.
class TcpProxy {
 public:
  TcpProxy(std::string upstream_host, unsigned short upstream_port);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  // Where clients connect (127.0.0.1), fixed for the proxy's lifetime.
  unsigned short port() const;

  // A cut cable seen by both ends at once: every relayed connection is closed and the port stops
  // listening, so new connections are refused until restore().
  void cut();
  // A link gone silent (no FIN, no RST): connections stay open, new ones are accepted, and every
  // byte is dropped, so the peers can only notice by their own timeouts.
  void blackhole();
  // Relays again on the same port. Connections that lost bytes in a blackhole are closed first:
  // a byte stream with a hole in it is of no use to either side.
  void restore();

  // Connections accepted so far, and those currently relayed (for the tests' figures).
  int accepted() const;
  int open_links() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rollcall::tests::support
