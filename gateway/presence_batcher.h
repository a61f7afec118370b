#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "gateway/event_directory.h"
#include "gateway/metrics.h"
#include "gateway/presence_leases.h"
#include "redis/commands.h"
#include "rollcall/v1/rollcall.pb.h"

namespace rollcall::gateway {

// Coalesces the joins and leaves of this gateway's beacons into one call of the presence
// function per event, as bridges already send them: a batch closes `window` after its first
// item or at `max_items`, whichever comes first. A join storm of N beacons then costs N / batch
// Redis calls instead of N. Each beacon still gets the ack of its own item; a batch that Redis
// does not answer is `unavailable` for every item in it, and each beacon retries on its own.
class PresenceBatcher : public std::enable_shared_from_this<PresenceBatcher> {
 public:
  PresenceBatcher(boost::asio::any_io_executor strand, std::shared_ptr<redis::Commands> commands,
                  std::shared_ptr<Metrics> metrics, std::shared_ptr<PresenceLeases> leases,
                  std::chrono::microseconds window = std::chrono::milliseconds(1),
                  std::size_t max_items = 1000);

  // The ack of `item`, applied for `event` under the gateway's beacon holder.
  boost::asio::awaitable<v1::PresenceAck> apply(std::shared_ptr<const EventInfo> event,
                                                v1::PresenceEvent item);

 private:
  using Handler = boost::asio::any_completion_handler<void(v1::PresenceAck)>;
  struct Waiter {
    boost::asio::any_io_executor executor;
    Handler handler;
  };
  struct Batch {
    std::uint64_t number = 0;
    std::shared_ptr<const EventInfo> event;
    std::vector<v1::PresenceEvent> items;
    std::vector<Waiter> waiters;
  };

  void add(std::shared_ptr<const EventInfo> event, v1::PresenceEvent item, Waiter waiter);
  boost::asio::awaitable<void> close_after_window(std::string event_id, std::uint64_t number);
  void send(std::string event_id);
  boost::asio::awaitable<void> apply_batch(Batch batch);

  boost::asio::any_io_executor strand_;
  std::shared_ptr<redis::Commands> commands_;
  std::shared_ptr<Metrics> metrics_;
  std::shared_ptr<PresenceLeases> leases_;
  std::chrono::microseconds window_;
  std::size_t max_items_;
  // Touched only on the strand.
  std::map<std::string, Batch> open_;  // by event id
  std::uint64_t next_number_ = 1;
};

}  // namespace rollcall::gateway
