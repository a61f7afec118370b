#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rollcall/v1/auth.pb.h"
#include "rollcall/v1/rollcall.pb.h"
#include "tests/support/gateway_process.h"
#include "tests/support/redis_server.h"
#include "tools/client/http_get.h"

// The attacker's view of credentials: a private Redis with two imported events, real tokens
// issued as rollcall-admin stores them, a real gateway, and a WebSocket probe that presents any
// headers, query or subprotocols and reports exactly what the gateway did with them.
namespace rollcall::tests::attack::ticket_world {

using namespace std::chrono_literals;
using Millis = std::chrono::milliseconds;

// One WebSocket attempt, as a hostile client makes it: any target, any headers.
class Probe {
 public:
  Probe(const std::string& host, unsigned short port, const std::string& target,
        const tools::client::Headers& headers, Millis timeout = 5s);
  ~Probe();
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;

  // 101 when upgraded; the HTTP status of a refused upgrade; 0 when the connection failed.
  int http_status() const { return http_status_; }
  bool upgraded() const { return http_status_ == 101; }
  // Waits up to `wait` for the server to close; its close code (1006 when the socket just
  // ended), or 0 when it is still open.
  int closed_within(Millis wait);
  const std::string& close_reason() const { return close_reason_; }
  // Frames the server sent so far (read while waiting).
  const std::vector<std::string>& frames() const { return frames_; }
  void send(std::string_view data, bool text);
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int http_status_ = 0;
  int close_code_ = 0;
  std::string close_reason_;
  std::vector<std::string> frames_;
};

// How an attempt ended: refused at the upgrade (its HTTP status), closed by the server (its close
// code), or still open after `wait` (0).
struct Verdict {
  int http_status = 0;
  int close_code = 0;
  std::string reason;
  bool refused() const { return http_status != 101 || close_code != 0; }
};
Verdict attempt(const std::string& host, unsigned short port, const std::string& target,
                const tools::client::Headers& headers, Millis wait = 1500ms);

class AuthWorld {
 public:
  static constexpr const char* kEvent = "attack-2025";
  static constexpr const char* kOtherEvent = "other-2025";

  explicit AuthWorld(std::vector<std::string> gateway_args = {});

  support::RedisServer& redis() { return redis_; }
  support::GatewayProcess& gateway() { return *gateway_; }
  const std::string& host() const { return gateway_->host(); }
  unsigned short port() const { return gateway_->port(); }

  // A token of `role` for `event`, issued once and reused.
  const std::string& token(v1::Role role, const std::string& event = kEvent);
  // A fresh desk token bound to `desk_id` (empty: none, the token's id is the desk).
  std::string desk_token(const std::string& desk_id, const std::string& event = kEvent);

  // GET /v1/events/E/totals with the organizer's token: the body, and decoded.
  std::string totals_json(const std::string& event = kEvent);
  v1::Totals totals(const std::string& event = kEvent);
  // Polls the totals until `done` holds (at most `timeout`); the last totals seen.
  std::pair<bool, v1::Totals> wait_for(const std::function<bool(const v1::Totals&)>& done,
                                       Millis timeout = 10s);

  // The value of one series of GET /metrics, e.g. rollcall_auth_failures_total{reason="x"}
  // (0 when absent).
  double metric(const std::string& series);

  // rollcall-admin on this Redis; its exit code, stdout and stderr in *output.
  int admin(std::vector<std::string> args, std::string* output);
  // rollcall-export verify: 0 when the counters equal a recount of the event log.
  int verify(std::string* output, const std::string& event = kEvent);

  // POST /v1/events/E/tickets with `token` and a TicketRequest JSON body.
  tools::client::HttpResponse request_ticket(const std::string& body, const std::string& token,
                                             const std::string& event = kEvent);
  // A genuine ticket from the gateway (a platform token asks); fails the test otherwise.
  std::string ticket(const std::string& participant, const std::string& country = "KE",
                     const std::string& category = "youth", const std::string& badge = "",
                     const std::string& event = kEvent);
  // The event's ticket key, as the gateway reads it from Redis (32 bytes).
  std::string ticket_key(const std::string& event = kEvent);

 private:
  support::RedisServer redis_;
  std::unique_ptr<support::GatewayProcess> gateway_;
  std::map<std::pair<std::string, int>, std::string> tokens_;
};

}  // namespace rollcall::tests::attack::ticket_world
