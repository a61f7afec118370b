#pragma once

#include <memory>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "gateway/event_directory.h"
#include "gateway/metrics.h"
#include "gateway/redis/connection.h"
#include "services/wire/codec.h"

namespace rollcall::gateway {

// One desk frame in, one encoded ScanResult out: decode, validate, apply in Redis (one atomic
// function call), describe. Never throws for bad input; Redis trouble becomes `unavailable`.
class ScanHandler {
 public:
  ScanHandler(std::shared_ptr<redis::Connection> redis, std::shared_ptr<Metrics> metrics);

  boost::asio::awaitable<v1::ScanResult> handle(const EventInfo& event, std::string_view frame,
                                                services::wire::Encoding encoding);

 private:
  // The answer to a decoded request (the signature check may rewrite its badge_id).
  boost::asio::awaitable<v1::ScanResult> decide(const EventInfo& event, v1::ScanRequest& request);

  std::shared_ptr<redis::Connection> redis_;
  std::shared_ptr<Metrics> metrics_;
};

}  // namespace rollcall::gateway
