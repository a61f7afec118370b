#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "gateway/metrics.h"
#include "redis/commands.h"
#include "rollcall/v1/auth.pb.h"
#include "rollcall/v1/rollcall.pb.h"
#include "services/checkin/time_window.h"

namespace date {
class time_zone;
}

namespace rollcall::gateway {

struct EventInfo {
  v1::Event config;
  const date::time_zone* zone = nullptr;
  // Public keys that sign badge codes, by key id. Empty: the event accepts plain badge ids.
  std::map<std::string, v1::BadgeKey, std::less<>> badge_keys;
  // The key that MACs the event's beacon tickets (32 bytes); empty until one was made.
  std::string ticket_key;
  // The event's days widened by the gateway's --time-margin: clients' clocks are believed only
  // inside it (services/checkin/time_window.h).
  services::checkin::TimeWindow days_window;
};

// Events as the importer wrote them, cached briefly so a busy desk costs no extra round trip.
class EventDirectory {
 public:
  static constexpr std::chrono::seconds kCacheFor{5};

  // Failures (Redis away, a reply of another shape, a stored config that does not parse) are
  // counted in `metrics` as site "event" (a directory of its own when none is given).
  explicit EventDirectory(
      std::shared_ptr<redis::Commands> redis,
      std::chrono::milliseconds time_margin = services::checkin::kDefaultTimeMargin,
      std::shared_ptr<Metrics> metrics = nullptr);

  struct Lookup {
    std::shared_ptr<const EventInfo> event;  // null: no such event, or Redis unavailable
    bool unavailable = false;
  };
  boost::asio::awaitable<Lookup> find(std::string event_id);

 private:
  struct Entry {
    std::shared_ptr<const EventInfo> event;
    std::chrono::steady_clock::time_point fetched;
  };

  static constexpr std::string_view kSite = "event";

  std::shared_ptr<redis::Commands> redis_;
  std::chrono::milliseconds time_margin_;
  std::shared_ptr<Metrics> metrics_;
  std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> cache_;
};

}  // namespace rollcall::gateway
