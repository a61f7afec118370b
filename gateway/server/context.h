#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>

#include "gateway/event_directory.h"
#include "gateway/redis/connection.h"
#include "gateway/scan_handler.h"
#include "gateway/totals_hub.h"

namespace rollcall::gateway::server {

struct Limits {
  std::size_t max_frame = 64 * 1024;       // WebSocket message, either direction
  std::size_t max_request_body = 64 * 1024;  // HTTP
};

// What every connection of the gateway shares.
struct Context {
  std::shared_ptr<redis::Connection> commands;
  std::shared_ptr<redis::Connection> subscriber;
  std::shared_ptr<TotalsHub> hub;
  std::shared_ptr<EventDirectory> events;
  std::shared_ptr<ScanHandler> scans;
  Limits limits;
  std::filesystem::path web_root;
};

}  // namespace rollcall::gateway::server
