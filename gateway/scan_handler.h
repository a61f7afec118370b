#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "gateway/event_directory.h"
#include "gateway/metrics.h"
#include "redis/commands.h"
#include "rollcall/v1/registration.pb.h"
#include "services/checkin/badge_code_check.h"
#include "services/wire/codec.h"

namespace rollcall::gateway {

// One desk frame in, one encoded ScanResult out: decode, validate, apply in Redis (one atomic
// function call), describe. Never throws for bad input; Redis trouble becomes `unavailable`.
class ScanHandler {
 public:
  static constexpr std::size_t kDefaultMaxDesks = 500;

  // The event tracks at most `max_desks` desks (desk:ID:... counters in its totals).
  ScanHandler(std::shared_ptr<redis::Commands> redis, std::shared_ptr<Metrics> metrics,
              std::size_t max_desks = kDefaultMaxDesks);

  // One desk connection as the handler sees it.
  struct Desk {
    std::string id;  // from the desk's token: every scan counts for this desk, whatever it says
    std::string token_id;
    bool told_renamed = false;  // logged once per connection, not per frame
    bool told_untracked = false;
  };
  boost::asio::awaitable<v1::ScanResult> handle(const EventInfo& event, std::string_view frame,
                                                services::wire::Encoding encoding, Desk& desk);

  // A check-in by hand (POST .../checkins) from `desk`, the token's desk: validated, then counted
  // exactly as a scan of its badge id by that desk (the same function call, counters and
  // metrics), marked manual. A badge id, not a signed code, even in an event with badge keys:
  // the badge was forgotten, and the desk's registration scope vouches for the person.
  // `malformed` when the check-in is not valid (nothing counted).
  boost::asio::awaitable<v1::ScanResult> check_in_by_hand(const EventInfo& event,
                                                          const v1::ManualCheckin& manual,
                                                          Desk& desk);

 private:
  // The answer to a decoded request (the signature check may rewrite its badge_id).
  boost::asio::awaitable<v1::ScanResult> decide(const EventInfo& event, v1::ScanRequest& request,
                                                Desk& desk);
  // From validation on: what scans and check-ins by hand (`manual`) share.
  boost::asio::awaitable<v1::ScanResult> count(const EventInfo& event,
                                               const v1::ScanRequest& request,
                                               const services::checkin::BadgeProof& proof,
                                               Desk& desk, const v1::ManualCheckin* manual);

  std::shared_ptr<redis::Commands> redis_;
  std::shared_ptr<Metrics> metrics_;
  std::size_t max_desks_;
};

}  // namespace rollcall::gateway
