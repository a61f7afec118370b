#include "tests/support/redis_server.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <hiredis/hiredis.h>

#include "tests/support/gateway_process.h"

extern char** environ;

namespace rollcall::tests::support {

namespace {

using namespace std::chrono_literals;

// Bind port 0 on loopback and read what the kernel picked. Another process could take it
// before redis-server binds, which start() detects and retries.
std::string log_tail(const std::string& path, size_t lines = 20) {
  std::ifstream in(path);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::string out;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) {
    out += all[i] + "\n";
  }
  return out.empty() ? "(empty log)\n" : out;
}

// The password the server was started with (--requirepass), so that the fixture's own
// connections can authenticate.
std::string password_of(const std::vector<std::string>& extra_args) {
  for (size_t i = 0; i + 1 < extra_args.size(); ++i) {
    if (extra_args[i] == "--requirepass") return extra_args[i + 1];
  }
  return "";
}

bool answers_ping(unsigned short port) {
  timeval timeout{0, 200 * 1000};
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port, timeout);
  if (c == nullptr) return false;
  bool ok = false;
  if (c->err == 0) {
    redisSetTimeout(c, timeout);
    auto* r = static_cast<redisReply*>(redisCommand(c, "PING"));
    // Any answer but -LOADING (AOF still loading) means up; -NOAUTH is fine too.
    ok = r != nullptr &&
         !(r->type == REDIS_REPLY_ERROR && std::string_view(r->str, r->len).starts_with("LOADING"));
    if (r != nullptr) freeReplyObject(r);
  }
  redisFree(c);
  return ok;
}

}  // namespace

redisReply* run_argv(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  return static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(args.size()), argv.data(), lengths.data()));
}

std::string reply_text(const redisReply* r) {
  switch (r->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      return std::string(r->str, r->len);
    case REDIS_REPLY_INTEGER:
      return std::to_string(r->integer);
    case REDIS_REPLY_ARRAY: {
      std::string out;
      for (size_t i = 0; i < r->elements; ++i) {
        if (i > 0) out += '\n';
        out += reply_text(r->element[i]);
      }
      return out;
    }
    default:
      return "";
  }
}

RedisServer::RedisServer(std::vector<std::string> extra_args) : extra_args_(std::move(extra_args)) {
  char pattern[] = "/tmp/rollcall-redis-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) {
    throw std::runtime_error("mkdtemp: " + std::string(std::strerror(errno)));
  }
  data_dir_ = pattern;
  try {
    start();
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove_all(data_dir_, ec);
    throw;
  }
}

RedisServer::~RedisServer() {
  kill(SIGKILL);
  std::error_code ec;
  std::filesystem::remove_all(data_dir_, ec);
}

std::string RedisServer::url() const {
  return "redis://127.0.0.1:" + std::to_string(port_);
}

void RedisServer::kill(int signal) {
  if (pid_ <= 0) return;
  ::kill(pid_, signal);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

void RedisServer::start() {
  if (pid_ > 0) return;
  const bool fixed_port = port_ != 0;  // a restart keeps its port: clients reconnect to it
  const std::string log = data_dir_ + "/redis.log";
  std::string last_failure;
  for (int attempt = 0; attempt < (fixed_port ? 1 : 5); ++attempt) {
    if (!fixed_port) port_ = free_loopback_port();
    std::vector<std::string> args = {"redis-server",
                                     "--port",
                                     std::to_string(port_),
                                     "--bind",
                                     "127.0.0.1",
                                     "--dir",
                                     data_dir_,
                                     "--appendonly",
                                     "yes",
                                     "--appendfsync",
                                     "everysec",
                                     "--save",
                                     "",
                                     "--daemonize",
                                     "no",
                                     "--protected-mode",
                                     "yes",
                                     "--logfile",
                                     log};
    args.insert(args.end(), extra_args_.begin(), extra_args_.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    pid_t pid = -1;
    // Only stdin/out/err: the test's own sockets stay with the test (see gateway_process.cpp).
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    int rc = ::posix_spawnp(&pid, "redis-server", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      throw std::runtime_error("cannot start redis-server: " + std::string(std::strerror(rc)));
    }
    pid_ = pid;

    // Bounded wait: the server answers PING, or it exits (e.g. the port was taken meanwhile).
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    bool exited = false;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited = true;
        pid_ = -1;
        break;
      }
      if (answers_ping(port_)) return;
      std::this_thread::sleep_for(20ms);
    }
    if (!exited) kill(SIGKILL);
    last_failure = exited ? "redis-server exited" : "redis-server did not answer PING in 10 s";
    const std::string tail = log_tail(log);
    const bool port_taken = tail.find("Address already in use") != std::string::npos;
    if (!port_taken || fixed_port) {
      throw std::runtime_error(last_failure + " (port " + std::to_string(port_) + "); log tail:\n" +
                               tail);
    }
  }
  throw std::runtime_error(last_failure + ": no free port after 5 attempts; log tail:\n" +
                           log_tail(log));
}

std::string RedisServer::command(const std::vector<std::string>& args) const {
  timeval timeout{5, 0};
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port_, timeout);
  if (c == nullptr || c->err != 0) {
    std::string reason = c != nullptr ? c->errstr : "out of memory";
    if (c != nullptr) redisFree(c);
    throw std::runtime_error("connect to test redis: " + reason);
  }
  redisSetTimeout(c, timeout);
  if (std::string password = password_of(extra_args_); !password.empty()) {
    if (auto* auth = run_argv(c, {"AUTH", password})) freeReplyObject(auth);
  }
  auto* r = run_argv(c, args);
  if (r == nullptr) {
    std::string reason = c->errstr;
    redisFree(c);
    throw std::runtime_error("test redis command failed: " + reason);
  }
  std::string text = reply_text(r);
  freeReplyObject(r);
  redisFree(c);
  return text;
}

}  // namespace rollcall::tests::support
