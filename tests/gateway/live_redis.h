#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "redis/connection.h"
#include "services/store/function_library.h"
#include "tests/support/redis_server.h"
#include "tests/support/scripted_commands.h"

namespace rollcall::tests::gateway {

// The real thing the gateway classes talk to: a private redis-server with the Functions library
// loaded by the connection's setup, as the gateway does, and a connection ready to use.
class LiveRedis {
 public:
  LiveRedis() {
    redis::Connection::Options options;
    options.url = *redis::Url::parse(server_.url(), nullptr);
    options.setup = {
        {"FUNCTION", "LOAD", "REPLACE", std::string(services::store::function_library())}};
    connection_ = redis::Connection::create(io_.executor(), std::move(options));
    connection_->start();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!connection_->ready() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~LiveRedis() { connection_->stop(); }

  support::TestIo& io() { return io_; }
  const support::RedisServer& server() const { return server_; }
  const std::shared_ptr<redis::Connection>& connection() const { return connection_; }
  // A command run beside the gateway's connection (setting up stored data, reading it back).
  std::string command(const std::vector<std::string>& args) const { return server_.command(args); }

 private:
  support::RedisServer server_;
  support::TestIo io_;
  std::shared_ptr<redis::Connection> connection_;
};

}  // namespace rollcall::tests::gateway
