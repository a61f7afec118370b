#include "tests/tools/print/private_cupsd.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/support/gateway_process.h"

namespace rollcall::tests::print {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

bool listening(unsigned short port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

PrivateCupsd::PrivateCupsd() {
  std::string name = (fs::temp_directory_path() / "rollcall-cupsd-XXXXXX").string();
  if (!::mkdtemp(name.data())) throw std::runtime_error("mkdtemp failed");
  dir_ = name;
  for (const auto* sub : {"root", "spool", "cache", "state", "log", "tmp", "out"}) {
    fs::create_directories(fs::path(dir_) / sub);
  }
  // Filters run as lp: they need to reach the temporary and output directories.
  fs::permissions(dir_, fs::perms::all);
  for (const auto* sub : {"tmp", "out"}) fs::permissions(fs::path(dir_) / sub, fs::perms::all);
  output_ = dir_ + "/out/job.pdf";
  port_ = support::free_loopback_port();
  std::ofstream(dir_ + "/root/cupsd.conf")
      << "Listen 127.0.0.1:" << port_ << "\nLogLevel info\nWebInterface No\n"
      << "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
      << "<Location /admin>\n  Order allow,deny\n  Allow all\n</Location>\n"
      << "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n";
  std::ofstream(dir_ + "/root/cups-files.conf")
      << "FileDevice Yes\nServerRoot " << dir_ << "/root\nRequestRoot " << dir_
      << "/spool\nCacheDir " << dir_ << "/cache\nStateDir " << dir_ << "/state\nTempDir " << dir_
      << "/tmp\nErrorLog " << dir_ << "/log/error_log\nAccessLog " << dir_
      << "/log/access_log\nPageLog " << dir_ << "/log/page_log\nPrintcap " << dir_
      << "/printcap\nUser lp\nGroup lp\nSystemGroup root\nDataDir /usr/share/cups\n"
      << "ServerBin /usr/lib/cups\n";
  pid_ = ::fork();
  if (pid_ == 0) {
    const std::string log = dir_ + "/log/stdout";
    std::freopen(log.c_str(), "w", stdout);
    std::freopen(log.c_str(), "a", stderr);
    const std::string conf = dir_ + "/root/cupsd.conf";
    const std::string files = dir_ + "/root/cups-files.conf";
    ::execlp("cupsd", "cupsd", "-f", "-c", conf.c_str(), "-s", files.c_str(), nullptr);
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while (!listening(port_)) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("cupsd exited: " + log());
    }
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("cupsd never came up");
    std::this_thread::sleep_for(100ms);
  }
  if (admin({"lpadmin", "-p", kPrinter, "-E", "-v", "file:" + output_, "-P",
             std::string(ROLLCALL_PDF_FILE_PPD)}) != 0) {
    throw std::runtime_error("lpadmin failed: " + log());
  }
}

PrivateCupsd::~PrivateCupsd() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

int PrivateCupsd::admin(const std::vector<std::string>& argv) const {
  std::vector<std::string> with_host = {argv[0], "-h", server()};
  with_host.insert(with_host.end(), argv.begin() + 1, argv.end());
  std::string output;
  return support::run_program(with_host, &output);
}

std::string PrivateCupsd::wait_for_output(std::size_t size) const {
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    std::error_code ec;
    if (fs::exists(output_, ec) && fs::file_size(output_, ec) == size) {
      auto bytes = support::read_file(output_);
      fs::remove(output_, ec);  // the next job's output is then told apart from this one
      return bytes;
    }
    std::this_thread::sleep_for(50ms);
  }
  return "";
}

std::string PrivateCupsd::log() const {
  return support::read_file(dir_ + "/log/stdout") + support::read_file(dir_ + "/log/error_log");
}

}  // namespace rollcall::tests::print
