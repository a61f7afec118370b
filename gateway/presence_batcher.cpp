#include "gateway/presence_batcher.h"

#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/presence_writer.h"

namespace rollcall::gateway {

namespace asio = boost::asio;

PresenceBatcher::PresenceBatcher(asio::any_io_executor strand,
                                 std::shared_ptr<redis::Commands> commands,
                                 std::shared_ptr<Metrics> metrics,
                                 std::shared_ptr<PresenceLeases> leases,
                                 std::chrono::microseconds window, std::size_t max_items)
    : strand_(std::move(strand)),
      commands_(std::move(commands)),
      metrics_(std::move(metrics)),
      leases_(std::move(leases)),
      window_(window),
      max_items_(std::max<std::size_t>(1, max_items)) {}

asio::awaitable<v1::PresenceAck> PresenceBatcher::apply(std::shared_ptr<const EventInfo> event,
                                                        v1::PresenceEvent item) {
  return asio::async_initiate<decltype(asio::use_awaitable), void(v1::PresenceAck)>(
      [self = shared_from_this()](auto handler, std::shared_ptr<const EventInfo> event,
                                  v1::PresenceEvent item) {
        // The beacon resumes on its own executor.
        Waiter waiter{.executor = asio::get_associated_executor(handler, self->strand_),
                      .handler = Handler(std::move(handler))};
        asio::post(self->strand_, [self, event = std::move(event), item = std::move(item),
                                   waiter = std::move(waiter)]() mutable {
          self->add(std::move(event), std::move(item), std::move(waiter));
        });
      },
      asio::use_awaitable, std::move(event), std::move(item));
}

void PresenceBatcher::add(std::shared_ptr<const EventInfo> event, v1::PresenceEvent item,
                          Waiter waiter) {
  const auto& event_id = event->config.event_id();
  auto& batch = open_[event_id];
  if (batch.items.empty()) {
    batch.number = next_number_++;
    batch.event = event;
    asio::co_spawn(strand_, close_after_window(event_id, batch.number), rethrow_to_pool);
  }
  batch.items.push_back(std::move(item));
  batch.waiters.push_back(std::move(waiter));
  if (batch.items.size() >= max_items_) send(event_id);
}

asio::awaitable<void> PresenceBatcher::close_after_window(std::string event_id,
                                                          std::uint64_t number) {
  asio::steady_timer timer(strand_, window_);
  co_await timer.async_wait(use_tuple);
  // The batch may have gone out full already; a newer one has its own timer.
  if (const auto it = open_.find(event_id); it != open_.end() && it->second.number == number) {
    send(std::move(event_id));
  }
}

void PresenceBatcher::send(std::string event_id) {
  const auto it = open_.find(event_id);
  auto batch = std::move(it->second);
  open_.erase(it);
  asio::co_spawn(strand_, apply_batch(std::move(batch)), rethrow_to_pool);
}

asio::awaitable<void> PresenceBatcher::apply_batch(Batch batch) {
  // Renewed at every call: a lease written back from when a beacon opened would let a sweep
  // fold away every beacon still connected here.
  const services::presence::Holder holder{
      .id = leases_->beacon_holder(), .lease_until_ms = leases_->lease_until_ms(), .via = "beacon"};
  std::vector<const v1::PresenceEvent*> items;
  items.reserve(batch.items.size());
  for (const auto& item : batch.items) items.push_back(&item);
  const auto acks =
      co_await apply_presence(*commands_, *metrics_, *batch.event, holder, false, items);
  for (std::size_t i = 0; i < batch.waiters.size(); ++i) {
    auto& waiter = batch.waiters[i];
    asio::post(waiter.executor, [handler = std::move(waiter.handler), ack = acks[i]]() mutable {
      std::move(handler)(std::move(ack));
    });
  }
}

}  // namespace rollcall::gateway
