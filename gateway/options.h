#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "gateway/presence_leases.h"
#include "gateway/scan_handler.h"
#include "gateway/server/limits.h"
#include "redis/url.h"
#include "services/checkin/time_window.h"
#include "services/store/durability.h"

namespace rollcall::gateway {

// Everything rollcall-gateway is told on its command line, parsed and checked. The defaults
// written here (and in server::Limits) are the only ones: --help shows them from a
// default-constructed GatewayOptions.
struct GatewayOptions {
  std::string listen = "127.0.0.1:8080";
  boost::asio::ip::tcp::endpoint endpoint;  // `listen`, parsed
  std::string redis = "redis://127.0.0.1:6379";
  redis::Url redis_url;  // `redis`, parsed
  int redis_wait_replicas = 0;
  std::chrono::milliseconds redis_wait_timeout{1000};
  std::chrono::milliseconds tick{100};
  std::chrono::milliseconds venue_fold{200};
  unsigned threads = default_threads();
  std::string web_root = default_web_root();
  std::chrono::milliseconds lease = PresenceLeases::kDefaultLease;
  std::chrono::hours time_margin = services::checkin::kDefaultTimeMargin;
  std::string durability_name = "everysec";
  services::store::Durability durability = services::store::Durability::everysec;
  std::size_t max_desks = ScanHandler::kDefaultMaxDesks;
  std::optional<std::string> tls_cert;
  std::optional<std::string> tls_key;
  std::vector<std::string> badge_signing_keys;
  std::string log_format = "text";  // or "json"
  server::Limits limits;

  static unsigned default_threads();
  static std::string default_web_root();
};

// What the command line asks for: run with these options, or print and exit with this code.
struct ParsedOptions {
  enum class Action { run, help, list_routes, refuse };
  Action action = Action::refuse;
  GatewayOptions options;  // action == run
  std::string out;         // for stdout (help)
  std::string error;       // for stderr (refuse): what is wrong, then the usage when it helps
  int exit_code = 0;
};

// Pure: no logging, no output, no sockets.
ParsedOptions parse_options(int argc, const char* const argv[]);

}  // namespace rollcall::gateway
