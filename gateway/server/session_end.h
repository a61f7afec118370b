#pragma once

#include <exception>
#include <memory>
#include <string_view>

#include "gateway/metrics.h"

namespace rollcall::gateway::server {

// How the coroutine of a connection whose state is all its own (an HTTP session, an upgrade, a
// desk) is spawned. A throw inside it (a bug reached by some input, or memory running out) ends
// that connection only, as a reset would: its state goes with its coroutine frame, and every
// other connection goes on. It is counted in rollcall_session_exceptions_total{channel} and
// logged with its cause (throttled: a client that found such a bug could repeat it at will).
// A loop the whole gateway needs, and a channel holding places outside its connection
// (displays, beacons, bridges), are spawned with rethrow_to_pool (asio_tokens.h) instead.
class SessionEnd {
 public:
  // `channel` (http, upgrade, desk, venue_desk) must outlive the connection.
  SessionEnd(std::shared_ptr<Metrics> metrics, std::string_view channel)
      : metrics_(std::move(metrics)), channel_(channel) {}

  void operator()(std::exception_ptr failure) const;

 private:
  std::shared_ptr<Metrics> metrics_;
  std::string_view channel_;
};

}  // namespace rollcall::gateway::server
