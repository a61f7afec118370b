#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "rollcall/v1/auth.pb.h"
#include "rollcall/v1/rollcall.pb.h"
#include "tests/support/gateway_process.h"
#include "tests/support/redis_server.h"

namespace rollcall::tests::attack {

// One event in a private redis-server (badges B0 to B9 imported, default zones and categories),
// a token for every role, and real gateways started on demand: the ground for attacks on the
// WebSocket channels.
class FrameFixture : public ::testing::Test {
 public:
  static constexpr const char* kEvent = "attack-2025";

  // /v1/desk?event=E and the like.
  static std::string target(const std::string& path, const std::string& query = "");
  static v1::ScanRequest good_scan(const std::string& scan_id, const std::string& badge);
  static v1::PresenceEvent good_join(const std::string& presence_id,
                                     const std::string& participant);
  // The event's totals over HTTP, as a display sees them.
  v1::Totals totals(support::GatewayProcess& g);

 protected:
  void SetUp() override;

  support::GatewayProcess& gateway(std::vector<std::string> args = {});
  const std::string& token(v1::Role role) { return tokens_.at(role); }
  std::string metrics(support::GatewayProcess& g);
  // Every target of the route catalogue's WebSocket routes on `path` ("/v1/desk":
  // "/v1/desk?venue=E", "/v1/desk?event=E"), placeholders filled with kEvent (also a venue): a
  // route added to the catalogue is attacked without a new case.
  std::vector<std::string> channel_targets(std::string_view path);
  // The WebSocket channels the gateway names when asked for one it does not serve ("/v1/desk",
  // ...): what the attacks must cover.
  std::set<std::string> named_channels(support::GatewayProcess& g);

  support::RedisServer redis_;
  std::map<v1::Role, std::string> tokens_;
  std::vector<std::unique_ptr<support::GatewayProcess>> gateways_;
};

// A well-behaved client at its own pace in a thread of its own, from start() to stop(): one
// exchange (send something, check the answer) every `pause`. The gateway must keep serving it
// while others attack.
class PoliteClient {
 public:
  // An exchange returns "" when it went well, else what went wrong.
  using Exchange = std::function<std::string()>;

  PoliteClient(Exchange exchange, std::chrono::milliseconds pause);
  ~PoliteClient();
  // Waits (bounded) until at least `n` exchanges went well; false if not within 30 s.
  bool wait_for(int n);
  // Stops; the first failure ("" if none).
  std::string stop();
  int served() const { return served_; }

 private:
  Exchange exchange_;
  std::chrono::milliseconds pause_;
  std::atomic<bool> stop_{false};
  std::atomic<int> served_{0};
  std::atomic<bool> failed_{false};
  std::string failure_;
  std::thread thread_;
};

}  // namespace rollcall::tests::attack
