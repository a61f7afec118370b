#include "tests/tools/client/fake_server.h"

#include <boost/beast/core.hpp>

namespace rollcall::tests::tools::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

FakeServer::FakeServer(RawScript script)
    : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  port_ = acceptor_.local_endpoint().port();
  thread_ = std::thread([this, script = std::move(script)] {
    try {
      Socket socket(ioc_);
      acceptor_.accept(socket);
      script(socket);
    } catch (const std::exception& e) {
      std::lock_guard lock(mutex_);
      error_ = e.what();
    }
  });
}

FakeServer::~FakeServer() {
  join();
}

std::string FakeServer::join() {
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  return error_;
}

FakeServer::RawScript FakeServer::websocket(WebSocketScript script, std::string subprotocol) {
  return [script = std::move(script), subprotocol = std::move(subprotocol)](Socket& socket) {
    beast::flat_buffer buffer;
    Request request;
    http::read(socket, buffer, request);
    WebSocket ws(std::move(socket));
    if (!subprotocol.empty()) {
      ws.set_option(websocket::stream_base::decorator([subprotocol](websocket::response_type& res) {
        res.set(http::field::sec_websocket_protocol, subprotocol);
      }));
    }
    ws.accept(request);
    script(ws, request);
  };
}

}  // namespace rollcall::tests::tools::client
