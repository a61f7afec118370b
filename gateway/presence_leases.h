#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include <boost/asio/awaitable.hpp>

#include "gateway/event_directory.h"
#include "redis/commands.h"

namespace rollcall::gateway {

// The leases under which this gateway holds online presence in Redis: its own beacons
// ("gw:ID") and the bridges connected to it ("bridge:ID"). Renewed every few seconds; if the
// gateway dies they lapse, and any gateway's sweep folds their connections away (no ghosts).
class PresenceLeases {
 public:
  static constexpr std::chrono::seconds kDefaultLease{15};

  PresenceLeases(std::shared_ptr<redis::Commands> redis, std::shared_ptr<EventDirectory> events,
                 std::string gateway_id, std::chrono::milliseconds lease);

  const std::string& beacon_holder() const { return beacon_holder_; }
  std::int64_t lease_until_ms() const;

  // A connection starts or stops holding presence for (event, holder).
  void hold(const std::string& event_id, const std::string& holder);
  void release(const std::string& event_id, const std::string& holder);

  // Renews what is held and sweeps lapsed leases of every event, every lease/3.
  boost::asio::awaitable<void> run();
  // On a clean shutdown: lets this gateway's leases lapse now and folds them at once.
  boost::asio::awaitable<void> surrender();

 private:
  boost::asio::awaitable<void> renew();
  boost::asio::awaitable<void> sweep(const std::string& event_id, std::int64_t now_ms);

  std::shared_ptr<redis::Commands> redis_;
  std::shared_ptr<EventDirectory> events_;
  std::string beacon_holder_;
  std::chrono::milliseconds lease_;
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, int> held_;  // (event, holder) -> connections
};

}  // namespace rollcall::gateway
