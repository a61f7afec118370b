#pragma once

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <memory>

#include "gateway/event_directory.h"
#include "gateway/metrics.h"
#include "gateway/presence_batcher.h"
#include "gateway/presence_leases.h"
#include "gateway/scan_handler.h"
#include "gateway/server/attendee_indexes.h"
#include "gateway/server/badge_printer.h"
#include "gateway/server/connection_limits.h"
#include "gateway/server/limits.h"
#include "gateway/token_directory.h"
#include "gateway/token_watch.h"
#include "gateway/totals_hub.h"
#include "redis/connection.h"
#include "services/badges/signing_keys.h"
#include "services/registry/country_codes.h"

namespace boost::asio::ssl {
class context;
}

namespace rollcall::gateway::server {

// What every connection of the gateway shares.
struct Context {
  std::shared_ptr<redis::Commands> commands;
  std::shared_ptr<redis::Connection> subscriber;
  std::shared_ptr<TotalsHub> hub;
  std::shared_ptr<EventDirectory> events;
  std::shared_ptr<ScanHandler> scans;
  std::shared_ptr<PresenceLeases> leases;
  std::shared_ptr<PresenceBatcher> beacons;  // this gateway's beacons' joins and leaves
  std::shared_ptr<TokenDirectory> tokens;
  // Displays and token beacons (RawChannel) are watched here for their token's revocation.
  std::shared_ptr<TokenWatch> token_watch;
  std::shared_ptr<Metrics> metrics;
  std::shared_ptr<ConnectionLimits> connection_limits;
  std::shared_ptr<const services::registry::CountryCodes> countries;
  std::shared_ptr<AttendeeIndexes> attendees = std::make_shared<AttendeeIndexes>();
  // Secret badge keys this gateway holds (--badge-signing-key): codes for walk-ins, replacements
  // and printed badges of signed events. Empty: such requests are refused for signed events.
  std::shared_ptr<const services::badges::SigningKeys> signing_keys =
      std::make_shared<const services::badges::SigningKeys>();
  // Renders badge PDFs off the I/O threads, a bounded number at once.
  std::shared_ptr<BadgePrinter> printer = std::make_shared<BadgePrinter>();
  // Set once Redis was seen to keep the durability this gateway requires; /readyz waits for it.
  std::shared_ptr<std::atomic<bool>> durability_verified = std::make_shared<std::atomic<bool>>();
  Limits limits;
  std::filesystem::path web_root;  // canonical (canonical_web_root); empty: no files served
  // Set when the gateway has a certificate: every connection is then TLS (https, wss).
  std::shared_ptr<boost::asio::ssl::context> tls;
};

}  // namespace rollcall::gateway::server
