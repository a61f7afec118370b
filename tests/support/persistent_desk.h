#pragma once

#include <chrono>
#include <string>

#include "rollcall/v1/rollcall.pb.h"
#include "tools/client/desk_client.h"

namespace rollcall::tests::support {

// A desk that keeps each scan until it has a final answer, reconnecting and sending the same
// scan_id again after `unavailable` or a lost connection: what a real kiosk does across a
// gateway, Redis failover or a moving slot.
struct PersistentDesk {
  std::string event;
  std::string token;
  unsigned short port = 0;
  tools::client::DeskClient desk;
  int attempts = 0;  // scans sent, resent ones included

  // Throws when no final answer came within a minute.
  v1::ScanResult send(const v1::ScanRequest& request,
                      std::chrono::milliseconds timeout = std::chrono::seconds(3),
                      std::chrono::milliseconds pause = std::chrono::milliseconds(200));
};

}  // namespace rollcall::tests::support
