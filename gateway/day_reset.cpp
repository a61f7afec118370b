#include "gateway/day_reset.h"

#include <date/tz.h>
#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "services/checkin/scan_timing.h"
#include "services/store/function_library.h"
#include "services/store/keys.h"

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
    auto [wait_ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (wait_ec) co_return;
    std::vector<std::string> list{"SMEMBERS", std::string(services::store::kEventsKey)};
    auto [ec, reply] =
        co_await redis->async_exec(std::move(list), asio::as_tuple(asio::use_awaitable));
    if (ec || reply.type != redis::Reply::Type::array) continue;
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    for (const auto& element : reply.elements) {
      const auto lookup = co_await events->find(element.str);
      if (!lookup.event || !reset_due(*lookup.event, now)) continue;
      std::vector<std::string> reset{"FCALL", std::string(services::store::kResetInsideFunction),
                                     "1", services::store::tag(element.str),
                                     services::checkin::local_day(now, lookup.event->zone)};
      auto [reset_ec, moved] =
          co_await redis->async_exec(std::move(reset), asio::as_tuple(asio::use_awaitable));
      if (!reset_ec && moved.type == redis::Reply::Type::integer && moved.integer > 0) {
        spdlog::info("day reset for {}: {} still inside counted out", element.str, moved.integer);
      }
    }
  }
}

}  // namespace rollcall::gateway
