// rollcall-sendfloor, the floor beside tools/bench's fan-out rows, as the bench uses it: the
// bench's own display client measures every tick's frame at every display, stamped as ws's are;
// a reader that stops reading gets whole frames afterwards (a short write's end is sent before
// anything else), and misses ticks meanwhile; closed displays are dropped; bad usage exits 2.
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <regex>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "tests/support/gateway_process.h"

namespace rollcall::tests::tools {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// The server on a free port, stopped with SIGTERM; stop() returns its exit code.
class Floor {
 public:
  Floor(const std::string& size, const std::string& tick_ms)
      : port_(support::free_loopback_port()),
        log_(::testing::TempDir() + "sendfloor-" + std::to_string(port_) + ".log") {
    pid_ = support::spawn_program({ROLLCALL_SENDFLOOR_BIN, std::to_string(port_), size, tick_ms},
                                  log_);
    for (int i = 0; i < 200 && support::read_file(log_).find("listening") == std::string::npos;
         ++i) {
      std::this_thread::sleep_for(20ms);
    }
  }
  ~Floor() {
    if (pid_ > 0) stop();
  }
  int stop() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  unsigned short port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string log() const { return support::read_file(log_); }

 private:
  unsigned short port_;
  std::string log_;
  pid_t pid_ = -1;
};

long figure(const std::string& text, const std::string& before) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex(before + " (\\d+)"))) return -1;
  return std::stol(m[1]);
}

TEST(Sendfloor, TheBenchClientMeasuresEveryTickAtEveryDisplay) {
  Floor floor("2048", "50");
  ASSERT_NE(floor.log().find("listening on 127.0.0.1:"), std::string::npos) << floor.log();
  const std::string report = ::testing::TempDir() + "sendfloor-report.json";
  std::string output;
  ASSERT_EQ(support::run_program({ROLLCALL_BENCHCLIENT_BIN, "displays", "--port",
                                  std::to_string(floor.port()), "--format", "raw", "--target", "/",
                                  "--steps", "4,12", "--warmup-s", "0.3", "--measure-s", "1",
                                  "--server-pid", std::to_string(floor.pid()), "--report", report},
                                 &output),
            0)
      << output;
  const std::string json = support::read_file(report);
  EXPECT_NE(json.find("\"problems\":[]"), std::string::npos) << json;
  // 20 ticks a second for 1 s: every display gets nearly all of them, each a whole 2,048-byte
  // message carrying its send time (a torn or unstamped frame would not count).
  std::smatch m;
  std::string rest = json;
  int steps = 0;
  const std::regex step(
      "\"connections\":(\\d+),.*?\"messages\":(\\d+),\"updates\":(\\d+),\"snapshots\":0,"
      "\"unstamped\":(\\d+).*?\"mean_message_bytes\":([0-9.]+),\"delivery_ms\":\\{\"count\":\\d+,"
      "\"p50\":([0-9.]+)");
  while (std::regex_search(rest, m, step)) {
    ++steps;
    const long displays = std::stol(m[1]), messages = std::stol(m[2]);
    SCOPED_TRACE(std::to_string(displays) + " displays");
    EXPECT_GE(messages, displays * 16);
    EXPECT_LE(messages, displays * 22);
    EXPECT_EQ(std::stol(m[3]), messages);
    EXPECT_EQ(std::stol(m[4]), 0);
    EXPECT_DOUBLE_EQ(std::stod(m[5]), 2048.0);
    EXPECT_LT(std::stod(m[6]), 1000.0);  // a stamp read wrongly is off by years
    rest = m.suffix();
  }
  EXPECT_EQ(steps, 2) << json;
  // The client is gone: its displays are found closed at the next ticks and dropped.
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(floor.stop(), 0);
  const std::string log = floor.log();
  EXPECT_NE(log.find(", 0 connections open"), std::string::npos) << log;
  EXPECT_GE(figure(log, "sent"), 12 * 16) << log;
}

TEST(Sendfloor, AReaderThatStopsGetsWholeFramesAfterwardAndMissesTicks) {
  // 64 KiB every 5 ms into a receive buffer of a few KiB: the socket fills within a tick, so
  // writes come up short and ticks are missed until the reader reads again.
  constexpr std::size_t kSize = 65536;
  Floor floor(std::to_string(kSize), "5");
  asio::io_context io;
  tcp::socket socket(io);
  socket.open(tcp::v4());
  socket.set_option(asio::socket_base::receive_buffer_size(4096));
  socket.connect({asio::ip::make_address("127.0.0.1"), floor.port()});
  beast::websocket::stream<tcp::socket> ws(std::move(socket));
  ws.handshake("127.0.0.1", "/");
  std::this_thread::sleep_for(500ms);  // about 100 ticks, nearly all of them missed
  int frames = 0;
  double last_stamp = 0;
  for (; frames < 200; ++frames) {
    beast::flat_buffer buffer;
    beast::error_code ec;
    ws.read(buffer, ec);
    ASSERT_FALSE(ec) << "frame " << frames << ": " << ec.message();
    ASSERT_TRUE(ws.got_binary());
    ASSERT_EQ(buffer.size(), kSize);
    double stamp = 0;
    std::memcpy(&stamp, buffer.data().data(), sizeof stamp);
    EXPECT_GT(stamp, last_stamp) << "frame " << frames;  // each frame a later tick's
    last_stamp = stamp;
  }
  ws.next_layer().close();
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(floor.stop(), 0);
  const std::string log = floor.log();
  EXPECT_GT(figure(log, "dropped"), 20) << log;
  EXPECT_NE(log.find(", 0 connections open"), std::string::npos) << log;
}

TEST(Sendfloor, BadUsageExitsTwoNamingTheRanges) {
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"0"},
      {"65536"},
      {"-1"},
      {"+80"},
      {"80x"},
      {""},
      {"99999999999999999999999"},
      {"80", "7"},
      {"80", "1048577"},
      {"80", "2048", "0"},
      {"80", "2048", "60001"},
      {"80", "2048", "1.5"},
      {"80", "2048", "100", "extra"},
      {"80", std::string(5000, '9')},
  };
  for (const auto& args : cases) {
    std::vector<std::string> argv = {ROLLCALL_SENDFLOOR_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string output;
    SCOPED_TRACE(::testing::PrintToString(args).substr(0, 80));
    EXPECT_EQ(support::run_program(argv, &output), 2);
    EXPECT_NE(output.find("usage: rollcall-sendfloor PORT [SIZE_BYTES=2048 (8..1048576)]"),
              std::string::npos)
        << output;
    EXPECT_LT(output.size(), 200u);  // the argument is not echoed back
  }
}

}  // namespace
}  // namespace rollcall::tests::tools
