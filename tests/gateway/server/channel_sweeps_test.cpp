// gateway/server/channel_sweeps.cpp: a channel that ends leaves its thread's sweep list at once,
// not at the next sweep (a weak entry would hold a beacon's whole make_shared block until then),
// whatever the order channels end in; the channels still open keep their places and are swept.
// Real channels over loopback sockets; the sweep period is longer than the test, so no sweep
// tidies the list on the change's behalf.
#include "gateway/server/channel_sweeps.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <random>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "gateway/metrics.h"
#include "gateway/server/raw_channel.h"

namespace rollcall::tests::gateway::server {
namespace {

namespace asio = boost::asio;
using rollcall::gateway::Metrics;
using rollcall::gateway::server::ChannelSweeps;
using rollcall::gateway::server::FlexStream;
using rollcall::gateway::server::GatedChannel;
using rollcall::gateway::server::Limits;
using rollcall::gateway::server::RawChannel;
using tcp = asio::ip::tcp;

// A beacon's shape: reads, answers nothing, counts its ending.
class QuietChannel : public RawChannel {
 public:
  QuietChannel(WebSocket&& ws, int* finished)
      : RawChannel(std::move(ws), GatedChannel::beacon, Limits{}, std::make_shared<Metrics>()),
        finished_(finished) {}
  void start() { start_reading(); }

 private:
  void on_message(const rollcall::gateway::server::ws::ClientEvent&) override {}
  asio::mutable_buffer read_buffer() override { return asio::buffer(buffer_); }
  asio::awaitable<void> on_finished() override {
    ++*finished_;
    co_return;
  }
  std::array<char, 128> buffer_{};
  int* finished_;
};

TEST(ChannelSweeps, AChannelThatEndsLeavesTheListAtOnceInAnyOrder) {
  for (const unsigned seed : {1u, 2u, 3u, 4u, 5u}) {
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    auto& sweeps = ChannelSweeps::of(io.get_executor());
    constexpr int kChannels = 64;
    int finished = 0;
    std::vector<tcp::socket> peers;
    for (int i = 0; i < kChannels; ++i) {
      peers.emplace_back(io).connect(acceptor.local_endpoint());
      RawChannel::WebSocket ws(FlexStream(boost::beast::tcp_stream(acceptor.accept())));
      auto channel = std::make_shared<QuietChannel>(std::move(ws), &finished);
      sweeps.add(channel, std::chrono::minutes(4), std::chrono::minutes(1));
      channel->start();  // its pending read owns it from here
    }
    ASSERT_EQ(sweeps.size(), static_cast<std::size_t>(kChannels));

    std::vector<int> order(kChannels);
    for (int i = 0; i < kChannels; ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), std::mt19937(seed));
    for (int n = 0; n < kChannels; ++n) {
      peers[order[n]].close();  // the peer goes: the channel reads its end and finishes
      while (finished < n + 1) {
        ASSERT_GT(io.run_one_for(std::chrono::seconds(5)), 0u)
            << "seed " << seed << ": channel " << order[n] << " did not finish";
      }
      ASSERT_EQ(sweeps.size(), static_cast<std::size_t>(kChannels - n - 1))
          << "seed " << seed << ": after " << n + 1 << " ended";
    }
  }
}

}  // namespace
}  // namespace rollcall::tests::gateway::server
