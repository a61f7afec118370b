#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

namespace rollcall::gateway::server {

class RawChannel;

// Sweeps channels held by the ten thousand (beacons) from one timer per I/O thread, where each
// had a timer of its own: a timer and its pending wait cost a beacon about 300 bytes and a place
// in the timer heap. A channel is added on its own executor and swept there (RawChannel::swept)
// every `every`, until it is gone or finished; a thread's timer runs only while it has channels.
class ChannelSweeps {
 public:
  using Clock = std::chrono::steady_clock;

  // A channel silent for `idle_timeout` is pinged at half of it and cut off at its end, up to
  // `every` (at least 100 ms) late.
  ChannelSweeps(Clock::duration idle_timeout, Clock::duration every);

  void add(const std::shared_ptr<RawChannel>& channel);  // on the channel's executor

 private:
  struct Lane;
  std::shared_ptr<Lane> lane_of(const boost::asio::any_io_executor& executor);

  const Clock::duration idle_timeout_;
  const Clock::duration every_;
  std::mutex mutex_;  // lanes_; a lane's channels are touched on its executor alone
  std::vector<std::shared_ptr<Lane>> lanes_;  // few: one per executor that has had channels
};

}  // namespace rollcall::gateway::server
