#pragma once

#include <string>
#include <vector>

#include <sys/types.h>

namespace rollcall::tests::support {

// The real rollcall-gateway binary, started for one test on a free loopback port against the
// given Redis, and stopped (SIGTERM, then SIGKILL) when the object goes.
class GatewayProcess {
 public:
  explicit GatewayProcess(std::string redis_url, std::vector<std::string> extra_args = {});
  ~GatewayProcess();
  GatewayProcess(const GatewayProcess&) = delete;
  GatewayProcess& operator=(const GatewayProcess&) = delete;

  unsigned short port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& host() const { return host_; }
  // Everything the gateway wrote to stdout and stderr so far.
  std::string log() const;
  // Whether the process is still running (a crash makes this false).
  bool alive();
  void stop(int signal = 15);

 private:
  std::string host_ = "127.0.0.1";
  std::string log_path_;
  unsigned short port_ = 0;
  pid_t pid_ = -1;
};

// A whole file's bytes (empty when it cannot be read): logs and outputs of the programs run.
std::string read_file(const std::string& path);

// Starts a program in the background, its stdout and stderr to output_path; SIGPIPE at its
// default and no signal blocked, whatever the test runner inherited.
pid_t spawn_program(const std::vector<std::string>& argv, const std::string& output_path);

// Runs a program to completion; returns its exit code, with stdout+stderr in *output.
int run_program(const std::vector<std::string>& argv, std::string* output);

// A free TCP port on 127.0.0.1 (bound, read, released).
unsigned short free_loopback_port();

}  // namespace rollcall::tests::support
