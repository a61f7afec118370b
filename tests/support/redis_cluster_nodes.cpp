#include "tests/support/redis_cluster_nodes.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/gateway_process.h"
#include "tests/support/replication_cluster.h"

extern char** environ;

namespace rollcall::tests::support {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Runs a program to its end, its output discarded; its exit status.
int run(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + args[0] + ": " + std::strerror(rc));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

RedisClusterNodes::RedisClusterNodes(int primaries, int replicas,
                                     std::chrono::milliseconds node_timeout) {
  for (int i = 0; i < primaries * (1 + replicas); ++i) {
    // The cluster bus on a port of its own (by default the port + 10000, which may be taken).
    nodes_.push_back(std::make_unique<RedisServer>(
        std::vector<std::string>{"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                                 "--cluster-port", std::to_string(free_loopback_port()),
                                 "--cluster-node-timeout", std::to_string(node_timeout.count())}));
    ids_.push_back(nodes_.back()->command({"CLUSTER", "MYID"}));
  }
  std::vector<std::string> create = {"redis-cli", "--cluster", "create"};
  for (const auto& node : nodes_) create.push_back("127.0.0.1:" + std::to_string(node->port()));
  for (const auto& arg : {std::string("--cluster-replicas"), std::to_string(replicas),
                          std::string("--cluster-yes")}) {
    create.push_back(arg);
  }
  if (const int status = run(create); status != 0) {
    throw std::runtime_error("redis-cli --cluster create exited with " + std::to_string(status));
  }
  if (!wait_until_agreed(30s)) throw std::runtime_error("the cluster did not become ok in 30 s");
}

std::string RedisClusterNodes::url() const {
  std::string out = "redis+cluster://";
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (i > 0) out += ',';
    out += "127.0.0.1:" + std::to_string(nodes_[i]->port());
  }
  return out;
}

std::string RedisClusterNodes::id(std::size_t i) const {
  return ids_.at(i);
}

std::size_t RedisClusterNodes::owner(std::uint16_t slot) const {
  for (const auto& node : nodes_) {
    if (node->running()) return owner_in(node->command({"CLUSTER", "NODES"}), slot);
  }
  throw std::runtime_error("no node of the cluster is running");
}

std::size_t RedisClusterNodes::owner_in(const std::string& cluster_nodes,
                                        std::uint16_t slot) const {
  for (const auto& line : lines_of(cluster_nodes)) {
    // <id> <ip:port@bus> <flags> <primary> <ping> <pong> <epoch> <link> <slot or range>...
    std::istringstream fields(line);
    std::string id, address, flags, primary, ping, pong, epoch, link, range;
    fields >> id >> address >> flags >> primary >> ping >> pong >> epoch >> link;
    while (fields >> range) {
      if (range.front() == '[') continue;  // a slot being imported or migrated
      const auto dash = range.find('-');
      const int start = std::stoi(range.substr(0, dash));
      const int end = dash == std::string::npos ? start : std::stoi(range.substr(dash + 1));
      if (slot < start || slot > end) continue;
      for (std::size_t i = 0; i < ids_.size(); ++i) {
        if (ids_[i] == id) return i;
      }
    }
  }
  return nodes_.size();
}

std::size_t RedisClusterNodes::agreed_owner(std::uint16_t slot,
                                            std::chrono::milliseconds limit) const {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  do {
    std::size_t agreed = nodes_.size() + 1;  // none asked yet
    for (const auto& node : nodes_) {
      if (!node->running()) continue;
      const auto said = owner_in(node->command({"CLUSTER", "NODES"}), slot);
      agreed = agreed == nodes_.size() + 1 || agreed == said ? said : nodes_.size();
    }
    if (agreed < nodes_.size()) return agreed;
    std::this_thread::sleep_for(50ms);
  } while (std::chrono::steady_clock::now() < deadline);
  return nodes_.size();
}

bool RedisClusterNodes::wait_until_agreed(std::chrono::milliseconds limit, std::uint16_t slot,
                                          std::size_t expected) const {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    bool agreed = true;
    for (const auto& node : nodes_) {
      if (!node->running()) continue;
      if (info_field(node->command({"CLUSTER", "INFO"}), "cluster_state") != "ok") agreed = false;
      if (expected < nodes_.size() &&
          owner_in(node->command({"CLUSTER", "NODES"}), slot) != expected) {
        agreed = false;
      }
    }
    if (agreed) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

bool RedisClusterNodes::wait_until_replicated(std::size_t node,
                                              std::chrono::milliseconds limit) const {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (nodes_.at(node)->command({"WAIT", "1", "1000"}) == "1") return true;
  }
  return false;
}

std::size_t RedisClusterNodes::move_slot(std::uint16_t slot, std::size_t to, std::size_t batch,
                                         const std::function<void()>& between) {
  const auto from = owner(slot);
  if (from >= nodes_.size()) throw std::runtime_error("no node owns slot " + std::to_string(slot));
  if (from == to) return 0;
  auto& source = *nodes_[from];
  auto& target = *nodes_[to];
  const auto s = std::to_string(slot);
  const auto expect_ok = [](const std::string& answer, const std::string& doing) {
    if (answer != "OK") throw std::runtime_error(doing + ": " + answer);
  };
  expect_ok(target.command({"CLUSTER", "SETSLOT", s, "IMPORTING", ids_[from]}), "IMPORTING");
  expect_ok(source.command({"CLUSTER", "SETSLOT", s, "MIGRATING", ids_[to]}), "MIGRATING");
  std::size_t moved = 0;
  while (true) {
    const auto keys =
        lines_of(source.command({"CLUSTER", "GETKEYSINSLOT", s, std::to_string(batch)}));
    if (keys.empty()) break;
    std::vector<std::string> migrate = {
        "MIGRATE", "127.0.0.1", std::to_string(target.port()), "", "0", "5000", "KEYS"};
    migrate.insert(migrate.end(), keys.begin(), keys.end());
    expect_ok(source.command(migrate), "MIGRATE");
    moved += keys.size();
    if (between) between();
  }
  // The target first, then the source (as redis-cli does), then the rest.
  expect_ok(target.command({"CLUSTER", "SETSLOT", s, "NODE", ids_[to]}), "SETSLOT NODE");
  expect_ok(source.command({"CLUSTER", "SETSLOT", s, "NODE", ids_[to]}), "SETSLOT NODE");
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (i != from && i != to) nodes_[i]->command({"CLUSTER", "SETSLOT", s, "NODE", ids_[to]});
  }
  return moved;
}

}  // namespace rollcall::tests::support
