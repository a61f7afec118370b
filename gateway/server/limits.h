#pragma once

#include <chrono>
#include <cstddef>

namespace rollcall::gateway::server {

// What one connection may take. These defaults are the only ones: the command-line options
// (gateway/options.cpp) take theirs from a default-constructed Limits.
struct Limits {
  std::size_t max_frame = 64 * 1024;             // WebSocket message, either direction
  std::size_t max_bridge_frame = 1024 * 1024;    // a platform bridge's batch of joins and leaves
  std::size_t max_request_body = 64 * 1024;      // HTTP
  std::chrono::seconds beacon_idle_timeout{30};  // a silent beacon has left
  double bridge_items_per_second = 5000;         // joins and leaves per bridge connection
  double messages_per_second = 100;  // per desk or display connection (bursts of 10 s' worth)
  std::chrono::seconds slow_consumer_timeout{10};  // a display write stuck this long: dropped
  std::chrono::seconds idle_timeout{300};          // no frame and no pong for this long: closed
  std::size_t max_connections = 19000;             // under the process's 20,000 open files
  std::size_t max_connections_per_address = 20000;
  std::chrono::seconds tls_handshake_timeout{10};  // from accept to the end of the TLS handshake

  bool operator==(const Limits&) const = default;
};

}  // namespace rollcall::gateway::server
