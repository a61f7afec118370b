#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "gateway/metrics.h"
#include "redis/commands.h"
#include "rollcall/v1/auth.pb.h"
#include "services/auth/access.h"

namespace rollcall::gateway {

// Access tokens as rollcall-admin stored them, checked for every connection and HTTP call.
// Records are cached briefly so a busy desk costs no extra round trip; a revocation therefore
// takes effect within kCacheFor on every gateway.
class TokenDirectory {
 public:
  static constexpr std::chrono::seconds kCacheFor{5};

  // Redis failures (the link, an error reply, a reply of another shape) are counted in `metrics`
  // as site "token" (a registry of its own when none is given) and logged with their cause.
  explicit TokenDirectory(std::shared_ptr<redis::Commands> redis,
                          std::shared_ptr<Metrics> metrics = nullptr);

  struct Decision {
    bool allowed = false;
    bool unavailable = false;  // Redis could not be asked: try again, nothing is known
    // Why not: "missing", "unknown", "expired", "revoked" (unauthenticated) or "forbidden"
    // (a valid token whose role may not do this).
    std::string refusal;
    v1::Role role = v1::role_unspecified;
    std::string token_id;
    std::string desk_id;      // desk tokens: the desk every scan of this token counts for
    std::vector<int> scopes;  // v1::Scope values the token carries
    std::string name;         // the token's name, e.g. "Desk 4, hall A"
  };
  // A token as presented, hashed: a connection that is checked on every frame hashes it once.
  struct Presented {
    std::string hash;  // empty: no token was presented
  };
  static Presented presented(std::string_view token);

  // `fresh`: read from Redis even if cached (the cache then holds what was read).
  boost::asio::awaitable<Decision> authorize(std::string event_id, std::string token,
                                             services::auth::Access access, bool fresh = false);
  boost::asio::awaitable<Decision> authorize(std::string event_id, Presented token,
                                             services::auth::Access access, bool fresh = false);

 private:
  struct Entry {
    // Null: no such token (misses are cached too). Shared: a hit copies no record.
    std::shared_ptr<const v1::TokenRecord> record;
    std::chrono::steady_clock::time_point fetched;
  };
  // Bounds the cache against a flood of made-up tokens.
  static constexpr std::size_t kMaxEntries = 100000;
  static constexpr std::string_view kSite = "token";

  std::shared_ptr<redis::Commands> redis_;
  std::shared_ptr<Metrics> metrics_;
  std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> cache_;  // key: event + '\n' + token hash
};

}  // namespace rollcall::gateway
