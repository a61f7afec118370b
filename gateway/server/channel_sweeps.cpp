#include "gateway/server/channel_sweeps.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "gateway/server/raw_channel.h"

namespace rollcall::gateway::server {

namespace asio = boost::asio;

asio::execution_context::id ChannelSweeps::id;

// The timer is made here, before the service is registered: services end newest first, so the
// timers' service outlives this one's timer.
ChannelSweeps::ChannelSweeps(asio::io_context& context)
    : asio::execution_context::service(context), timer_(context) {}

ChannelSweeps& ChannelSweeps::of(const asio::any_io_executor& executor) {
  // Every connection's executor is an io_context's (IoPool).
  const auto* io = executor.target<asio::io_context::executor_type>();
  if (io == nullptr) throw std::logic_error("ChannelSweeps: not an io_context's executor");
  return asio::use_service<ChannelSweeps>(io->context());
}

void ChannelSweeps::add(const std::shared_ptr<RawChannel>& channel, Clock::duration idle_timeout,
                        Clock::duration every) {
  channel->sweep_place_ = static_cast<std::uint32_t>(channels_.size());
  channels_.push_back(channel);
  if (running_) return;
  idle_timeout_ = idle_timeout;
  every_ = std::max<Clock::duration>(every, std::chrono::milliseconds(100));
  run();
}

void ChannelSweeps::run() {
  running_ = true;
  timer_.expires_after(every_);
  // `this` lives as long as the io_context, which destroys a pending handler before its
  // services.
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) sweep();
    if (ec || channels_.empty()) {
      running_ = false;
    } else {
      run();
    }
  });
}

void ChannelSweeps::sweep() {
  const auto now = Clock::now();
  for (std::size_t i = 0; i < channels_.size();) {
    // Nothing a sweep does adds a channel here or ends one synchronously.
    if (const auto channel = channels_[i].lock(); channel && channel->swept(now, idle_timeout_)) {
      ++i;
      continue;
    }
    take_out(i);  // gone or finished
  }
}

void ChannelSweeps::remove(RawChannel& channel) {
  const auto place = std::exchange(channel.sweep_place_, RawChannel::kNoSweepPlace);
  if (place < channels_.size() && channels_[place].lock().get() == &channel) take_out(place);
}

void ChannelSweeps::take_out(std::size_t place) {
  // The leaving entry's own place is not reset here: remove() already did, and an entry the
  // sweep takes out is gone or finished (a stale place fails remove()'s identity check).
  channels_[place] = std::move(channels_.back());
  channels_.pop_back();
  if (place == channels_.size()) return;
  if (const auto moved = channels_[place].lock()) {
    moved->sweep_place_ = static_cast<std::uint32_t>(place);
  }
}

void ChannelSweeps::shutdown() {
  channels_.clear();
}

}  // namespace rollcall::gateway::server
