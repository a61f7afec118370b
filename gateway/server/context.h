#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>

#include "gateway/event_directory.h"
#include "gateway/presence_leases.h"
#include "gateway/redis/connection.h"
#include "gateway/scan_handler.h"
#include "gateway/totals_hub.h"
#include "services/registry/country_codes.h"

namespace rollcall::gateway::server {

struct Limits {
  std::size_t max_frame = 64 * 1024;             // WebSocket message, either direction
  std::size_t max_bridge_frame = 1024 * 1024;    // a platform bridge's batch of joins and leaves
  std::size_t max_request_body = 64 * 1024;      // HTTP
  std::chrono::seconds beacon_idle_timeout{30};  // a silent beacon has left
  double bridge_items_per_second = 5000;         // joins and leaves per bridge connection
};

// What every connection of the gateway shares.
struct Context {
  std::shared_ptr<redis::Connection> commands;
  std::shared_ptr<redis::Connection> subscriber;
  std::shared_ptr<TotalsHub> hub;
  std::shared_ptr<EventDirectory> events;
  std::shared_ptr<ScanHandler> scans;
  std::shared_ptr<PresenceLeases> leases;
  std::shared_ptr<const services::registry::CountryCodes> countries;
  Limits limits;
  std::filesystem::path web_root;
};

}  // namespace rollcall::gateway::server
