#include "gateway/presence_leases.h"

#include <set>

#include <spdlog/spdlog.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/totals_hub.h"
#include "services/checkin/scan_timing.h"
#include "services/store/event_reads.h"
#include "services/store/lease_call.h"

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
  const auto until = lease_until_ms();
  for (auto& [event_id, holders] : by_event) {
    co_await redis_->async_exec(services::store::renew_leases_call(event_id, until, holders),
                                use_tuple);
  }
}

asio::awaitable<void> PresenceLeases::sweep(const std::string& event_id, std::int64_t now_ms) {
  const auto lookup = co_await events_->find(event_id);
  if (!lookup.event) co_return;
  auto [ec, reply] = co_await redis_->async_exec(
      services::store::expire_leases_call(event_id, now_ms,
                                          services::checkin::local_day(now_ms, lookup.event->zone)),
      use_tuple);
  const auto folded = services::store::read_moved_count(reply);
  if (!ec && folded && *folded > 0) {
    spdlog::info("{}: {} online connections of lapsed leases folded away", event_id, *folded);
  }
}

asio::awaitable<void> PresenceLeases::run() {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    timer.expires_after(lease_ / 3);
    auto [wait_ec] = co_await timer.async_wait(use_tuple);
    if (wait_ec) co_return;
    if (!redis_->ready()) continue;
    co_await renew();
    auto [ec, reply] = co_await redis_->async_exec(services::store::event_ids_read(), use_tuple);
    const auto events = services::store::read_members(reply);
    if (ec || !events) continue;
    const auto now = unix_ms_now();
    for (const auto& event_id : *events) co_await sweep(event_id, now);
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
    // A lease until 1 ms after the epoch: lapsed at once, so the sweep folds it away.
    co_await redis_->async_exec(services::store::renew_leases_call(event_id, 1, holders),
                                use_tuple);
    co_await sweep(event_id, unix_ms_now());
  }
}

}  // namespace rollcall::gateway
