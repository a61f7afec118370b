#include "tests/support/gateway_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace rollcall::tests::support {
namespace {

using namespace std::chrono_literals;

// A bare HTTP probe, so the fixture depends on nothing it is used to test.
int http_status(unsigned short port, const char* path) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int status = 0;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    const std::string request =
        std::string("GET ") + path + " HTTP/1.1\r\nHost: x\r\n" + "Connection: close\r\n\r\n";
    if (::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buffer[64] = {};
      if (::read(fd, buffer, sizeof buffer - 1) > 12) status = std::atoi(buffer + 9);
    }
  }
  ::close(fd);
  return status;
}

// The same over TLS, for a gateway started with --tls-cert. The certificate is not checked: the
// probe asks whether the gateway is up, the tests check what clients trust.
int https_status(unsigned short port, const char* path) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const timeval limit{2, 0};  // a probe must not hang the fixture
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int status = 0;
  SSL_CTX* context = SSL_CTX_new(TLS_client_method());
  SSL* ssl = SSL_new(context);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      SSL_set_fd(ssl, fd) == 1 && SSL_connect(ssl) == 1) {
    const std::string request =
        std::string("GET ") + path + " HTTP/1.1\r\nHost: x\r\n" + "Connection: close\r\n\r\n";
    if (SSL_write(ssl, request.data(), static_cast<int>(request.size())) ==
        static_cast<int>(request.size())) {
      char buffer[64] = {};
      if (SSL_read(ssl, buffer, sizeof buffer - 1) > 12) status = std::atoi(buffer + 9);
    }
  }
  SSL_free(ssl);
  SSL_CTX_free(context);
  ::close(fd);
  return status;
}

}  // namespace

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

pid_t spawn_program(const std::vector<std::string>& argv, const std::string& output_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  // Asio's sockets are not close-on-exec: without this the gateway would hold the test's own
  // sockets open (a proxy's listener, clients the test closed).
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  // SIGPIPE at its default and no signal blocked, whatever the test runner inherited: the
  // gateway must ignore SIGPIPE itself, and a fault test checks that it does.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t pipe, none;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attributes, &pipe);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  pid_t pid = -1;
  const int error = posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), environ);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) throw std::runtime_error("cannot start " + argv[0]);
  return pid;
}

unsigned short free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw std::runtime_error("no free loopback port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

int run_program(const std::vector<std::string>& argv, std::string* output) {
  char path[] = "/tmp/rollcall-run-XXXXXX";
  const int fd = ::mkstemp(path);
  ::close(fd);
  const pid_t pid = spawn_program(argv, path);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (output) *output = read_file(path);
  ::unlink(path);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

GatewayProcess::GatewayProcess(std::string redis_url, std::vector<std::string> extra_args) {
  char path[] = "/tmp/rollcall-gateway-log-XXXXXX";
  const int fd = ::mkstemp(path);
  ::close(fd);
  log_path_ = path;
  bool tls = false;
  for (const auto& arg : extra_args) tls = tls || arg == "--tls-cert";
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = free_loopback_port();
    std::vector<std::string> argv = {ROLLCALL_GATEWAY_BIN, "--listen",
                                     host_ + ":" + std::to_string(port_), "--redis", redis_url};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    pid_ = spawn_program(argv, log_path_);
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline && alive()) {
      if ((tls ? https_status(port_, "/readyz") : http_status(port_, "/readyz")) == 200) return;
      std::this_thread::sleep_for(20ms);
    }
    stop(SIGKILL);
    if (log().find("cannot listen") == std::string::npos) break;  // not a port race
  }
  throw std::runtime_error("rollcall-gateway did not become ready:\n" + log());
}

GatewayProcess::~GatewayProcess() {
  stop();
  ::unlink(log_path_.c_str());
}

std::string GatewayProcess::log() const {
  return read_file(log_path_);
}

bool GatewayProcess::alive() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

void GatewayProcess::stop(int signal) {
  if (pid_ <= 0) return;
  ::kill(pid_, signal);
  for (int i = 0; i < 250 && alive(); ++i) std::this_thread::sleep_for(20ms);
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
}

}  // namespace rollcall::tests::support
