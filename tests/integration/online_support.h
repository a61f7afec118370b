#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "rollcall/v1/rollcall.pb.h"
#include "tests/support/gateway_process.h"
#include "tests/support/redis_server.h"
#include "tools/client/encoding.h"
#include "tools/client/http_get.h"
#include "tools/client/websocket_connection.h"

// Helpers for the online-participation end-to-end tests: a platform bridge client, a beacon
// socket that can also misbehave (drop without a close frame, reset, go silent), an HTTP POST
// for webhooks, and a fixture with a private Redis, an imported registry and real gateways.
namespace rollcall::tests::integration {

using Timeout = std::chrono::milliseconds;
using tools::client::Encoding;
using tools::client::HttpResponse;

// ---------------------------------------------------------------------------------------------
// Building batches

v1::PresenceEvent join_item(const std::string& presence_id, const std::string& participant,
                            const std::string& country = {}, const std::string& badge = {});
v1::PresenceEvent leave_item(const std::string& presence_id, const std::string& participant);

// Statuses of a result, in order, for compact assertions.
std::vector<v1::PresenceAck::Status> statuses(const v1::PresenceResult& result);

// ---------------------------------------------------------------------------------------------
// Clients

// A platform bridge on GET /v1/online?event=E[&bridge=ID]: PresenceBatch in, OnlineReply out.
// The access tokens of the current test's event, one per role, issued in OnlineTest::SetUp and
// sent by every client below (platform for bridges and beacons).
struct OnlineTokens {
  std::string platform;
  std::string display;
  std::string organizer;
  std::string desk;
};
OnlineTokens& online_tokens();

class OnlineClient {
 public:
  static constexpr Timeout default_timeout = std::chrono::seconds(20);

  void connect(const std::string& host, unsigned short port, const std::string& event,
               Encoding encoding = Encoding::binary, const std::string& bridge_id = {},
               Timeout timeout = std::chrono::seconds(5));

  // Sends one batch and waits for its reply (a result or an error).
  v1::OnlineReply send(const v1::PresenceBatch& batch, Timeout timeout = default_timeout);
  // The same, expecting a result with one ack per item (fails the test otherwise).
  v1::PresenceResult apply(const v1::PresenceBatch& batch, Timeout timeout = default_timeout);

  // Pipelining: write now, read the replies later, in order.
  void write(const v1::PresenceBatch& batch, Timeout timeout = default_timeout);
  std::optional<v1::OnlineReply> read(Timeout timeout = default_timeout);

  void send_raw(std::string_view data, bool text, Timeout timeout = default_timeout);
  void close() { connection_.close(); }
  bool is_open() const { return connection_.is_open(); }
  const std::optional<tools::client::CloseInfo>& close_info() const {
    return connection_.close_info();
  }

 private:
  tools::client::WebSocketConnection connection_;
  Encoding encoding_ = Encoding::binary;
};

// One presence beacon (the socket is the presence), with the ways a browser tab can vanish.
class BeaconSocket {
 public:
  BeaconSocket();
  ~BeaconSocket();
  BeaconSocket(const BeaconSocket&) = delete;
  BeaconSocket& operator=(const BeaconSocket&) = delete;

  // Opens /v1/online?event=E&participant=P[&country=C][&badge=B]. Throws on failure.
  void open(const std::string& host, unsigned short port, const std::string& event,
            const std::string& participant, const std::string& country = {},
            const std::string& badge = {}, Timeout timeout = std::chrono::seconds(5));

  // A normal WebSocket close (1000), as a browser does when the page goes away.
  void close_cleanly(Timeout timeout = std::chrono::seconds(5));
  // The TCP connection ends (FIN) without a close frame: a crashed browser.
  void drop();
  // The TCP connection is reset (RST): a network path that failed hard.
  void reset();
  // Going silent needs nothing: as long as no read is pending, pings stay unanswered.

  // Reads until the server closes; the frames it sent before, and its close code (1006 when
  // the socket just ended). nullopt when it did not close within `timeout`.
  struct Ending {
    std::vector<std::string> frames;
    int code = 0;
    std::string reason;
  };
  std::optional<Ending> read_until_closed(Timeout timeout = std::chrono::seconds(5));

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A well-behaved beacon: a background thread keeps reading, so Beast's keep-alive pings are
// answered and the gateway keeps it online however long the test runs.
class AnsweringBeacon {
 public:
  AnsweringBeacon(const std::string& host, unsigned short port, const std::string& event,
                  const std::string& participant, const std::string& country = {});
  ~AnsweringBeacon();
  AnsweringBeacon(const AnsweringBeacon&) = delete;
  AnsweringBeacon& operator=(const AnsweringBeacon&) = delete;

  // Whether the gateway closed it (checked by the reading thread).
  bool closed_by_server() const { return closed_by_server_; }
  // Stops reading and closes normally.
  void close();

 private:
  tools::client::WebSocketConnection connection_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> closed_by_server_{false};
  std::thread reader_;
};

// "v0=" + HMAC-SHA256 hex of "v0:{timestamp}:{body}", computed here with OpenSSL directly
// rather than with the gateway's own code.
std::string zoom_signature(std::string_view secret, std::string_view timestamp,
                           std::string_view body);
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// ---------------------------------------------------------------------------------------------
// Fixture

// Who is in the registry of the online tests.
inline constexpr const char* kOnlineEvent = "online-2025";
inline constexpr const char* kOnlineRegistry =
    "badge_id,country,category,name,organization\n"
    "M1,ZA,minister,Solly Malatsi,Government of South Africa\n"
    "R1,EG,regulator,Noura Shamsi,NTRA\n"
    "Y1,BR,youth,João Silva,Youth IGF\n"
    "U1,,un,Li Wei,ITU\n";

class OnlineTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // A gateway on this test's Redis; kept alive until the test ends (or stopped by the test).
  support::GatewayProcess& start_gateway(std::vector<std::string> args = {});
  // Stops a gateway on purpose (TearDown checks that the others are still running).
  void stop_gateway(support::GatewayProcess& gateway, int signal);

  // GET /v1/events/E/totals from `gateway`, decoded; fails the test on a bad answer.
  v1::Totals totals(support::GatewayProcess& gateway);
  // Polls until `done(totals)` holds; the last totals seen either way. `done` is re-checked at
  // most every 50 ms; the wait is bounded by `timeout`.
  std::pair<bool, v1::Totals> wait_for(support::GatewayProcess& gateway,
                                       const std::function<bool(const v1::Totals&)>& done,
                                       Timeout timeout = std::chrono::seconds(20));

  std::unique_ptr<OnlineClient> bridge(support::GatewayProcess& gateway,
                                       Encoding encoding = Encoding::binary,
                                       const std::string& bridge_id = {});

  support::RedisServer redis_;
  std::vector<std::unique_ptr<support::GatewayProcess>> gateways_;
  std::vector<const support::GatewayProcess*> stopped_;
};

}  // namespace rollcall::tests::integration
