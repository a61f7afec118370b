#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rollcall/v1/rollcall.pb.h"
#include "tests/support/redis_server.h"

namespace rollcall::tests::exporting {

// A three-day event (Europe/Zurich, 7 to 9 July 2025) written by the real Redis Functions:
// first entries, re-entries, a zone move, exits, an offline replay that arrives late, an
// end-of-day reset, a replayed scan_id and every kind of rejection; add_presence() adds online
// participation through the real presence function (a hybrid person, two devices, a stray
// leave, a session across midnight, an expired lease). The truth each test checks against is
// spelled out in event_fixture.cpp.
class ExportEvent {
 public:
  static constexpr const char* kEvent = "ev";

  ExportEvent();

  support::RedisServer& redis() { return redis_; }
  // Epoch milliseconds of a local time of the event ("2025-07-07", "09:30").
  static std::int64_t at(const std::string& day, const std::string& clock);

  // FCALL rollcall_scan exactly as the gateway makes it; returns the status.
  std::string scan(const std::string& scan_id, const std::string& badge, const std::string& dir,
                   const std::string& zone, std::int64_t device_ms, std::int64_t server_ms);
  void reset_inside(const std::string& day);
  // Joins and leaves of four online participants, one of them hybrid (badge A2).
  void add_presence();

 private:
  void presence(const std::string& holder, std::int64_t lease_until_ms, const std::string& id,
                const std::string& kind, const std::string& participant, const std::string& badge,
                const std::string& country, const std::string& category, std::int64_t time_ms);

  support::RedisServer redis_;
};

}  // namespace rollcall::tests::exporting
