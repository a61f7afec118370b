#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <sys/types.h>

struct redisReply;
struct redisContext;

namespace rollcall::tests::support {

// A private redis-server for one test: free loopback port, its own data directory (AOF on),
// stopped and removed when the object goes. Tests never depend on a Redis they did not start.
class RedisServer {
 public:
  explicit RedisServer(std::vector<std::string> extra_args = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  unsigned short port() const { return port_; }
  std::string url() const;  // redis://127.0.0.1:PORT
  const std::string& data_dir() const { return data_dir_; }

  // Kills the server (SIGKILL by default) and waits for it; start() brings it back on the same
  // port and data directory, so AOF recovery can be tested.
  void kill(int signal = 9);
  void start();
  bool running() const { return pid_ > 0; }

  // Runs one command synchronously (a separate hiredis connection), returns the reply as text:
  // strings and statuses as they are, integers in decimal, arrays joined by '\n', nil as "".
  std::string command(const std::vector<std::string>& args) const;

 private:
  std::vector<std::string> extra_args_;
  std::string data_dir_;
  unsigned short port_ = 0;
  pid_t pid_ = -1;
};

// A reply as RedisServer::command gives it: strings and statuses as they are, integers in
// decimal, arrays joined by '\n', nil as "".
std::string reply_text(const redisReply* reply);

// One command on a hiredis connection the test holds (argv form: any bytes); the reply, which the
// caller frees with freeReplyObject, or nullptr when the connection failed.
redisReply* run_argv(redisContext* c, const std::vector<std::string>& args);

}  // namespace rollcall::tests::support
