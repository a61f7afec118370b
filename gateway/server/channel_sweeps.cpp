#include "gateway/server/channel_sweeps.h"

#include <algorithm>

#include <boost/asio/steady_timer.hpp>

#include "gateway/server/raw_channel.h"

namespace rollcall::gateway::server {

namespace asio = boost::asio;

struct ChannelSweeps::Lane : std::enable_shared_from_this<Lane> {
  explicit Lane(asio::any_io_executor executor) : executor(executor), timer(executor) {}

  void add(const std::shared_ptr<RawChannel>& channel, Clock::duration idle_timeout,
           Clock::duration every) {
    channels.push_back(channel);
    if (!running) run(idle_timeout, every);
  }

  void run(Clock::duration idle_timeout, Clock::duration every) {
    running = true;
    timer.expires_after(every);
    timer.async_wait(
        [self = shared_from_this(), idle_timeout, every](boost::system::error_code ec) {
          if (!ec) self->sweep(idle_timeout);
          if (ec || self->channels.empty()) {
            self->running = false;
          } else {
            self->run(idle_timeout, every);
          }
        });
  }

  void sweep(Clock::duration idle_timeout) {
    const auto now = Clock::now();
    for (std::size_t i = 0; i < channels.size();) {
      // Nothing a sweep does adds a channel here or ends one synchronously.
      if (const auto channel = channels[i].lock(); channel && channel->swept(now, idle_timeout)) {
        ++i;
        continue;
      }
      channels[i] = std::move(channels.back());  // gone or finished: its place is reused
      channels.pop_back();
    }
  }

  const asio::any_io_executor executor;
  asio::steady_timer timer;
  std::vector<std::weak_ptr<RawChannel>> channels;
  bool running = false;
};

ChannelSweeps::ChannelSweeps(Clock::duration idle_timeout, Clock::duration every)
    : idle_timeout_(idle_timeout),
      every_(std::max<Clock::duration>(every, std::chrono::milliseconds(100))) {}

void ChannelSweeps::add(const std::shared_ptr<RawChannel>& channel) {
  lane_of(channel->get_executor())->add(channel, idle_timeout_, every_);
}

std::shared_ptr<ChannelSweeps::Lane> ChannelSweeps::lane_of(const asio::any_io_executor& executor) {
  std::lock_guard lock(mutex_);
  for (const auto& lane : lanes_) {
    if (lane->executor == executor) return lane;
  }
  return lanes_.emplace_back(std::make_shared<Lane>(executor));
}

}  // namespace rollcall::gateway::server
