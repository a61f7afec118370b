#include "gateway/presence_leases.h"

#include <set>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/totals_hub.h"
#include "services/checkin/scan_timing.h"
#include "services/store/function_library.h"
#include "services/store/keys.h"

namespace rollcall::gateway {

namespace asio = boost::asio;

PresenceLeases::PresenceLeases(std::shared_ptr<redis::Commands> redis,
                               std::shared_ptr<EventDirectory> events, std::string gateway_id,
                               std::chrono::milliseconds lease)
    : redis_(std::move(redis)),
      events_(std::move(events)),
      beacon_holder_("gw:" + gateway_id),
      lease_(lease) {}

std::int64_t PresenceLeases::lease_until_ms() const {
  return unix_ms_now() + lease_.count();
}

void PresenceLeases::hold(const std::string& event_id, const std::string& holder) {
  std::lock_guard lock(mutex_);
  ++held_[{event_id, holder}];
}

void PresenceLeases::release(const std::string& event_id, const std::string& holder) {
  std::lock_guard lock(mutex_);
  auto it = held_.find({event_id, holder});
  if (it != held_.end() && --it->second <= 0) held_.erase(it);
}

asio::awaitable<void> PresenceLeases::renew() {
  std::map<std::string, std::vector<std::string>> by_event;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, count] : held_) by_event[key.first].push_back(key.second);
  }
  const auto until = std::to_string(lease_until_ms());
  for (auto& [event_id, holders] : by_event) {
    std::vector<std::string> command{"FCALL", std::string(services::store::kRenewLeasesFunction),
                                     "1", services::store::tag(event_id), until};
    command.insert(command.end(), holders.begin(), holders.end());
    co_await redis_->async_exec(std::move(command), asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<void> PresenceLeases::sweep(const std::string& event_id, std::int64_t now_ms) {
  const auto lookup = co_await events_->find(event_id);
  if (!lookup.event) co_return;
  std::vector<std::string> command{"FCALL",
                                   std::string(services::store::kExpireLeasesFunction),
                                   "1",
                                   services::store::tag(event_id),
                                   std::to_string(now_ms),
                                   services::checkin::local_day(now_ms, lookup.event->zone)};
  auto [ec, folded] =
      co_await redis_->async_exec(std::move(command), asio::as_tuple(asio::use_awaitable));
  if (!ec && folded.type == redis::Reply::Type::integer && folded.integer > 0) {
    spdlog::info("{}: {} online connections of lapsed leases folded away", event_id,
                 folded.integer);
  }
}

asio::awaitable<void> PresenceLeases::run() {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    timer.expires_after(lease_ / 3);
    auto [wait_ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (wait_ec) co_return;
    if (!redis_->ready()) continue;
    co_await renew();
    std::vector<std::string> list{"SMEMBERS", std::string(services::store::kEventsKey)};
    auto [ec, events] =
        co_await redis_->async_exec(std::move(list), asio::as_tuple(asio::use_awaitable));
    if (ec || events.type != redis::Reply::Type::array) continue;
    const auto now = unix_ms_now();
    for (const auto& event : events.elements) co_await sweep(event.str, now);
  }
}

asio::awaitable<void> PresenceLeases::surrender() {
  std::map<std::string, std::vector<std::string>> by_event;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, count] : held_) by_event[key.first].push_back(key.second);
    held_.clear();
  }
  for (auto& [event_id, holders] : by_event) {
    std::vector<std::string> command{"FCALL", std::string(services::store::kRenewLeasesFunction),
                                     "1", services::store::tag(event_id), "1"};
    command.insert(command.end(), holders.begin(), holders.end());
    co_await redis_->async_exec(std::move(command), asio::as_tuple(asio::use_awaitable));
    co_await sweep(event_id, unix_ms_now());
  }
}

}  // namespace rollcall::gateway
