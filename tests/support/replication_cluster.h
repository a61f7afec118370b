#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <sys/types.h>

#include "tests/support/redis_server.h"

namespace rollcall::tests::support {

// A redis-server in Sentinel mode on a free loopback port, with the config file it needs (and
// rewrites) in its own directory. Killed and removed when the object goes.
class SentinelProcess {
 public:
  SentinelProcess(const std::string& master_name, unsigned short primary_port);
  ~SentinelProcess();
  SentinelProcess(const SentinelProcess&) = delete;
  SentinelProcess& operator=(const SentinelProcess&) = delete;

  unsigned short port() const { return port_; }
  pid_t pid() const { return pid_; }
  void kill();
  // One command over a fresh connection; the reply as RedisServer::command gives it.
  std::string command(const std::vector<std::string>& args) const;

 private:
  std::string dir_;
  unsigned short port_ = 0;
  pid_t pid_ = -1;
};

// A primary, a replica of it, and optionally three sentinels watching them (quorum 2,
// down-after 1 s), all on loopback.
class ReplicationCluster {
 public:
  static constexpr const char* master_name = "rolltest";

  explicit ReplicationCluster(int sentinel_count);

  RedisServer& primary() { return *primary_; }
  RedisServer& replica() { return *replica_; }
  SentinelProcess& sentinel(size_t i) { return *sentinels_.at(i); }

  // redis+sentinel://127.0.0.1:P1,127.0.0.1:P2,.../rolltest
  std::string sentinel_url() const;

  // The replica is in sync (a probe write reached it), and every sentinel sees the replica and the
  // other sentinels, so that a failover can happen. False if not within `limit`.
  bool wait_until_ready(std::chrono::milliseconds limit);

  // The pid of a server, from INFO (RedisServer does not expose it), for SIGSTOP/SIGCONT.
  static pid_t pid_of(const RedisServer& server);

 private:
  std::unique_ptr<RedisServer> primary_;
  std::unique_ptr<RedisServer> replica_;
  std::vector<std::unique_ptr<SentinelProcess>> sentinels_;
};

// The value of `field` in INFO-style "field:value" text ("" if absent).
std::string info_field(const std::string& info, const std::string& field);

// How many times `server` has run `command` (lower case, e.g. "wait"), from INFO commandstats.
long long command_calls(const RedisServer& server, const std::string& command);

}  // namespace rollcall::tests::support
