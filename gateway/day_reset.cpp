#include "gateway/day_reset.h"

#include <date/tz.h>
#include <spdlog/spdlog.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/asio_tokens.h"
#include "services/checkin/scan_timing.h"
#include "services/store/event_reads.h"
#include "services/store/lease_call.h"

namespace rollcall::gateway {
namespace {

namespace asio = boost::asio;

// The reset is due once the event's local clock has passed its reset time today.
bool reset_due(const EventInfo& event, std::int64_t now_ms) {
  const auto reset =
      event.config.day_reset().empty() ? std::string("04:00") : event.config.day_reset();
  const auto local_clock = services::checkin::local_minute(now_ms, event.zone).substr(11);
  return local_clock >= reset;
}

}  // namespace

asio::awaitable<void> run_day_resets(std::shared_ptr<redis::Commands> redis,
                                     std::shared_ptr<EventDirectory> events,
                                     std::chrono::seconds period) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    timer.expires_after(period);
    auto [wait_ec] = co_await timer.async_wait(use_tuple);
    if (wait_ec) co_return;
    auto [ec, reply] = co_await redis->async_exec(services::store::event_ids_read(), use_tuple);
    const auto event_ids = services::store::read_members(reply);
    if (ec || !event_ids) continue;
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    for (const auto& event_id : *event_ids) {
      const auto lookup = co_await events->find(event_id);
      if (!lookup.event || !reset_due(*lookup.event, now)) continue;
      auto [reset_ec, reply] = co_await redis->async_exec(
          services::store::reset_inside_call(event_id,
                                             services::checkin::local_day(now, lookup.event->zone)),
          use_tuple);
      const auto moved = services::store::read_moved_count(reply);
      if (!reset_ec && moved && *moved > 0) {
        spdlog::info("day reset for {}: {} still inside counted out", event_id, *moved);
      }
    }
  }
}

}  // namespace rollcall::gateway
