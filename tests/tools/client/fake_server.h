#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace rollcall::tests::tools::client {

// A scripted peer for one connection on a free loopback port, so the client library is tested
// without a gateway. The script runs on the server's own thread with blocking Beast calls.
class FakeServer {
 public:
  using Socket = boost::asio::ip::tcp::socket;
  using WebSocket = boost::beast::websocket::stream<Socket>;
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using RawScript = std::function<void(Socket&)>;
  using WebSocketScript = std::function<void(WebSocket&, const Request&)>;

  explicit FakeServer(RawScript script);
  ~FakeServer();
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  // Accepts the upgrade, echoing `subprotocol` when not empty, then runs the script.
  static RawScript websocket(WebSocketScript script, std::string subprotocol = "");

  unsigned short port() const { return port_; }
  // Waits for the script to end; what it threw, or empty.
  std::string join();

 private:
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::string error_;
};

}  // namespace rollcall::tests::tools::client
