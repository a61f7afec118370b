#include "tests/support/replication_cluster.h"

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
#include <stdexcept>
#include <thread>

#include <hiredis/hiredis.h>

#include "tests/support/gateway_process.h"

extern char** environ;

namespace rollcall::tests::support {

namespace {

using namespace std::chrono_literals;

// "" when the server does not answer (a test polls until it does).
std::string try_command(unsigned short port, const std::vector<std::string>& args) {
  timeval timeout{2, 0};
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port, timeout);
  if (c == nullptr) return "";
  std::string text;
  if (c->err == 0) {
    redisSetTimeout(c, timeout);
    if (auto* r = run_argv(c, args)) {
      text = reply_text(r);
      freeReplyObject(r);
    }
  }
  redisFree(c);
  return text;
}

// Flat "key\nvalue\nkey\nvalue" (SENTINEL MASTER's reply as text) -> value of key.
std::string pair_value(const std::string& flat, const std::string& key) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= flat.size()) {
    size_t end = flat.find('\n', start);
    if (end == std::string::npos) end = flat.size();
    lines.push_back(flat.substr(start, end - start));
    start = end + 1;
  }
  for (size_t i = 0; i + 1 < lines.size(); i += 2) {
    if (lines[i] == key) return lines[i + 1];
  }
  return "";
}

}  // namespace

std::string info_field(const std::string& info, const std::string& field) {
  const std::string needle = field + ":";
  size_t at = 0;
  while ((at = info.find(needle, at)) != std::string::npos) {
    if (at == 0 || info[at - 1] == '\n') {
      size_t end = info.find_first_of("\r\n", at);
      return info.substr(at + needle.size(),
                         end == std::string::npos ? std::string::npos : end - at - needle.size());
    }
    at += needle.size();
  }
  return "";
}

SentinelProcess::SentinelProcess(const std::string& master_name, unsigned short primary_port) {
  char pattern[] = "/tmp/rollcall-sentinel-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  port_ = free_loopback_port();
  const std::string config = dir_ + "/sentinel.conf";
  {
    std::ofstream out(config);
    out << "port " << port_ << "\n"
        << "bind 127.0.0.1\n"
        << "daemonize no\n"
        << "dir " << dir_ << "\n"
        << "logfile " << dir_ << "/sentinel.log\n"
        << "sentinel monitor " << master_name << " 127.0.0.1 " << primary_port << " 2\n"
        << "sentinel down-after-milliseconds " << master_name << " 1000\n"
        << "sentinel failover-timeout " << master_name << " 3000\n"
        << "sentinel parallel-syncs " << master_name << " 1\n";
  }
  std::vector<std::string> args = {"redis-server", config, "--sentinel"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (int rc = ::posix_spawnp(&pid, "redis-server", nullptr, nullptr, argv.data(), environ);
      rc != 0) {
    throw std::runtime_error("cannot start redis-server --sentinel: " +
                             std::string(std::strerror(rc)));
  }
  pid_ = pid;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (try_command(port_, {"PING"}) == "PONG") return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      break;
    }
    std::this_thread::sleep_for(20ms);
  }
  kill();
  throw std::runtime_error("sentinel on port " + std::to_string(port_) + " did not start; see " +
                           dir_ + "/sentinel.log");
}

SentinelProcess::~SentinelProcess() {
  kill();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void SentinelProcess::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

std::string SentinelProcess::command(const std::vector<std::string>& args) const {
  return try_command(port_, args);
}

ReplicationCluster::ReplicationCluster(int sentinel_count) {
  // AOF on, as gateways require (RedisServer's default), and no diskless-sync delay (5 s by
  // default).
  primary_ =
      std::make_unique<RedisServer>(std::vector<std::string>{"--repl-diskless-sync-delay", "0"});
  replica_ = std::make_unique<RedisServer>(
      std::vector<std::string>{"--repl-diskless-sync-delay", "0", "--replicaof", "127.0.0.1",
                               std::to_string(primary_->port())});
  for (int i = 0; i < sentinel_count; ++i) {
    sentinels_.push_back(std::make_unique<SentinelProcess>(master_name, primary_->port()));
  }
}

std::string ReplicationCluster::sentinel_url() const {
  std::string url = "redis+sentinel://";
  for (size_t i = 0; i < sentinels_.size(); ++i) {
    if (i > 0) url += ',';
    url += "127.0.0.1:" + std::to_string(sentinels_[i]->port());
  }
  return url + "/" + master_name;
}

bool ReplicationCluster::wait_until_ready(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  const std::string others = std::to_string(sentinels_.empty() ? 0 : sentinels_.size() - 1);
  // A write made now must reach the replica: "link up" alone comes before the primary streams
  // to it, and before WAIT counts it.
  const std::string probe =
      std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  primary_->command({"SET", "rolltest:probe", probe});
  while (std::chrono::steady_clock::now() < deadline) {
    bool ready =
        info_field(primary_->command({"INFO", "replication"}), "slave0").find("state=online") !=
            std::string::npos &&
        replica_->command({"GET", "rolltest:probe"}) == probe;
    for (const auto& sentinel : sentinels_) {
      if (!ready) break;
      const std::string master = sentinel->command({"SENTINEL", "MASTER", master_name});
      ready = pair_value(master, "num-slaves") == "1" &&
              pair_value(master, "num-other-sentinels") == others;
    }
    if (ready) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

long long command_calls(const RedisServer& server, const std::string& command) {
  const auto stats = info_field(server.command({"INFO", "commandstats"}), "cmdstat_" + command);
  const auto at = stats.find("calls=");
  return at == std::string::npos ? 0 : std::stoll(stats.substr(at + 6));
}

pid_t ReplicationCluster::pid_of(const RedisServer& server) {
  return static_cast<pid_t>(
      std::stol(info_field(server.command({"INFO", "server"}), "process_id")));
}

}  // namespace rollcall::tests::support
