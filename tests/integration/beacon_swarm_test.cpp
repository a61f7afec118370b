// Thousands of presence beacons against one real gateway: every socket is one remote
// participant, opened in waves and closed again; the final counts must be exact. One io_context
// on one thread drives every client socket, as a load generator would.
#include <sys/resource.h>

#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <mutex>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "tests/integration/online_support.h"
#include "tools/client/target.h"

namespace rollcall::tests::integration {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kBeacons = 5000;
constexpr int kWave = 500;
const std::vector<std::string> kCountries = {"CH", "FR", "BR", "JP", "KE",
                                             "IN", "EG", "ZA", "US", "NZ"};

// Every beacon socket of the test, on one io_context run by one background thread. The test
// thread only posts work to it and watches the atomic counters.
class Swarm {
 public:
  Swarm(std::string host, unsigned short port)
      : host_(std::move(host)),
        endpoint_(asio::ip::make_address(host_), port),
        work_(asio::make_work_guard(ioc_)),
        runner_([this] { ioc_.run(); }) {}

  ~Swarm() {
    // Whatever is still open goes now, so that no handler outlives its socket.
    asio::post(ioc_, [this] {
      for (auto& beacon : beacons_) {
        beast::error_code ignored;
        beast::get_lowest_layer(beacon->ws).socket().close(ignored);
      }
    });
    wait_until([this] { return ended_ + failed_ >= started_; }, 10s);
    work_.reset();
    ioc_.stop();
    runner_.join();
  }

  // Starts opening beacons [first, last).
  void open(int first, int last, const std::string& event) {
    for (int i = first; i < last; ++i) {
      const auto target = tools::client::channel_target("/v1/online", event) + "&participant=sw-" +
                          std::to_string(i) + "&country=" + kCountries[i % kCountries.size()];
      asio::post(ioc_, [this, target] { start(target); });
      ++started_;
    }
  }

  // Starts a normal close of beacons [first, last) (in the order they were opened).
  void close(int first, int last) {
    asio::post(ioc_, [this, first, last] {
      for (int i = first; i < last && i < static_cast<int>(beacons_.size()); ++i) {
        auto* beacon = beacons_[i].get();
        if (!beacon->open) continue;
        beacon->ws.async_close(websocket::close_code::normal, [](beast::error_code) {});
      }
    });
  }

  template <class Done>
  static bool wait_until(Done done, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!done()) {
      if (Clock::now() >= deadline) return false;
      std::this_thread::sleep_for(20ms);
    }
    return true;
  }

  int started() const { return started_; }
  int opened() const { return opened_; }
  int failed() const { return failed_; }
  int ended() const { return ended_; }
  std::string first_error() {
    std::lock_guard lock(mutex_);
    return first_error_;
  }

 private:
  struct Beacon {
    explicit Beacon(asio::io_context& ioc) : ws(ioc) {}
    websocket::stream<beast::tcp_stream> ws;
    beast::flat_buffer buffer;
    bool open = false;
  };

  void fail(const std::string& what, const beast::error_code& ec) {
    ++failed_;
    std::lock_guard lock(mutex_);
    if (first_error_.empty()) first_error_ = what + ": " + ec.message();
  }

  void start(const std::string& target) {
    beacons_.push_back(std::make_unique<Beacon>(ioc_));
    auto* beacon = beacons_.back().get();
    auto& stream = beast::get_lowest_layer(beacon->ws);
    stream.expires_after(30s);
    stream.async_connect(endpoint_, [this, beacon, target](beast::error_code ec) {
      if (ec) return fail("connect", ec);
      beacon->ws.set_option(websocket::stream_base::decorator([](websocket::request_type& r) {
        r.set(beast::http::field::authorization, "Bearer " + online_tokens().platform);
      }));
      beacon->ws.async_handshake(host_, target, [this, beacon](beast::error_code ec) {
        beast::get_lowest_layer(beacon->ws).expires_never();
        if (ec) return fail("handshake", ec);
        beacon->open = true;
        ++opened_;
        read(beacon);
      });
    });
  }

  // A pending read answers the gateway's keep-alive pings and sees the close.
  void read(Beacon* beacon) {
    beacon->ws.async_read(beacon->buffer, [this, beacon](beast::error_code ec, std::size_t) {
      if (ec) {
        beacon->open = false;
        ++ended_;
        return;
      }
      beacon->buffer.clear();
      read(beacon);
    });
  }

  std::string host_;
  asio::ip::tcp::endpoint endpoint_;
  asio::io_context ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::vector<std::unique_ptr<Beacon>> beacons_;  // touched on the io thread only
  std::atomic<int> started_{0}, opened_{0}, failed_{0}, ended_{0};
  std::mutex mutex_;
  std::string first_error_;
  std::thread runner_;  // last: starts once everything it uses exists
};

std::int32_t at(const google::protobuf::Map<std::string, std::int32_t>& map,
                const std::string& key) {
  const auto it = map.find(key);
  return it == map.end() ? 0 : it->second;
}

class BeaconSwarm : public OnlineTest {};

TEST_F(BeaconSwarm, FiveThousandConcurrentBeaconsCountExactly) {
  // The gateway inherits this process's limit; each side needs one descriptor per beacon.
  rlimit limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  limit.rlim_cur = limit.rlim_max;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &limit), 0);
  ASSERT_GE(limit.rlim_cur, static_cast<rlim_t>(kBeacons + 1000))
      << "raise the hard limit on open files (ulimit -Hn) to run this test";

  auto& gateway = start_gateway();
  const auto started = Clock::now();
  auto since = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
  };
  {
    Swarm swarm(gateway.host(), gateway.port());
    for (int first = 0; first < kBeacons; first += kWave) {
      const int last = std::min(first + kWave, kBeacons);
      swarm.open(first, last, kOnlineEvent);
      ASSERT_TRUE(Swarm::wait_until([&] { return swarm.opened() + swarm.failed() >= last; }, 60s))
          << "wave " << first / kWave << ": " << swarm.opened() << " open, " << swarm.failed()
          << " failed";
      ASSERT_EQ(swarm.failed(), 0) << swarm.first_error();
    }
    std::cout << "[ info ] " << kBeacons << " beacon sockets open after " << since() << " ms\n";

    auto [settled, now] = wait_for(
        gateway, [](const v1::Totals& t) { return t.online_now() == kBeacons; }, 120s);
    ASSERT_TRUE(settled) << "online_now " << now.online_now() << " of " << kBeacons;
    std::cout << "[ info ] online_now == " << kBeacons << " after " << since() << " ms\n";
    EXPECT_EQ(now.remote(), kBeacons);
    EXPECT_EQ(now.peak_online(), kBeacons);
    EXPECT_EQ(now.countries_remote(), static_cast<int>(kCountries.size()));
    for (const auto& country : kCountries) {
      EXPECT_EQ(at(now.online_by_country(), country), kBeacons / 10) << country;
      EXPECT_EQ(at(now.remote_by_country(), country), kBeacons / 10) << country;
    }
    EXPECT_EQ(swarm.ended(), 0) << "the gateway closed beacons that were still there";

    const auto closing = Clock::now();
    for (int first = 0; first < kBeacons; first += kWave) {
      swarm.close(first, std::min(first + kWave, kBeacons));
    }
    ASSERT_TRUE(Swarm::wait_until([&] { return swarm.ended() >= kBeacons; }, 120s))
        << swarm.ended() << " of " << kBeacons << " closed";
    std::tie(settled, now) = wait_for(
        gateway, [](const v1::Totals& t) { return t.online_now() == 0; }, 120s);
    ASSERT_TRUE(settled) << "online_now " << now.online_now() << " after every beacon closed";
    std::cout
        << "[ info ] all closed and online_now == 0 "
        << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - closing).count()
        << " ms after the first close\n";
    EXPECT_EQ(now.remote(), kBeacons);
    EXPECT_EQ(now.peak_online(), kBeacons);
    for (const auto& country : kCountries) {
      EXPECT_EQ(at(now.online_by_country(), country), 0) << country;
    }
    EXPECT_EQ(now.days().size(), 1u);
    if (!now.days().empty()) EXPECT_EQ(now.days().begin()->second.remote(), kBeacons);
  }
  // Still standing, and nothing moves afterwards.
  std::this_thread::sleep_for(500ms);
  const auto after = totals(gateway);
  EXPECT_EQ(after.online_now(), 0);
  EXPECT_EQ(after.remote(), kBeacons);
}

}  // namespace
}  // namespace rollcall::tests::integration
