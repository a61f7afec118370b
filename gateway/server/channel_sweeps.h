#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace rollcall::gateway::server {

class RawChannel;

// Sweeps channels held by the ten thousand (beacons) from one timer per I/O thread, where each
// had a timer of its own: a timer and its pending wait cost a beacon about 300 bytes and a place
// in the timer heap. An Asio service of the thread's io_context, so that it ends with it. A
// channel is added on its own executor and swept there (RawChannel::swept) until it is gone or
// finished; the timer runs only while the thread has channels.
class ChannelSweeps : public boost::asio::execution_context::service {
 public:
  using Clock = std::chrono::steady_clock;
  static boost::asio::execution_context::id id;

  explicit ChannelSweeps(boost::asio::io_context& context);
  // The sweeps of the io_context `executor` runs on.
  static ChannelSweeps& of(const boost::asio::any_io_executor& executor);

  // On the channel's executor. A channel silent for `idle_timeout` is pinged at half of it and
  // cut off at its end, up to `every` (at least 100 ms) late. The channels of one thread share
  // the timing of the add that started its timer: beacons all have the same.
  void add(const std::shared_ptr<RawChannel>& channel, Clock::duration idle_timeout,
           Clock::duration every);
  // On the channel's executor, when it is finished: it leaves the list now rather than at the
  // next sweep. A channel made by make_shared shares one block with its count, which a weak entry
  // would hold (a beacon's whole memory) for up to a sweep period after it ended.
  void remove(RawChannel& channel);
  // Channels on the list (for tests).
  std::size_t size() const { return channels_.size(); }

 private:
  void shutdown() override;
  void run();
  void sweep();
  void take_out(std::size_t place);  // the last entry takes its place

  boost::asio::steady_timer timer_;
  std::vector<std::weak_ptr<RawChannel>> channels_;
  Clock::duration idle_timeout_{};
  Clock::duration every_{};
  bool running_ = false;
};

}  // namespace rollcall::gateway::server
