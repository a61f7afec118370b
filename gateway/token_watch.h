#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "gateway/token_directory.h"
#include "services/auth/access.h"

namespace rollcall::gateway {

// The connections let in by an access token that send nothing to check it again on (displays,
// beacons under a platform token; desks and bridges check theirs on every frame): every
// `period`, each distinct token among them is read again from Redis, once, and the holders of a
// token now refused (revoked, expired, deleted, its role changed) are told so. Without it a
// revoked display token would watch the totals for as long as its socket stays open.
class TokenWatch {
 public:
  class Holder {
   public:
    virtual ~Holder() = default;
    // Called from the watch's executor: the holder ends its connection on its own.
    virtual void on_token_refused(const TokenDirectory::Decision& decision) = 0;
  };

  // A holder told counts its close itself (Metrics::count_token_refused_closes), when it is not
  // already closing.
  explicit TokenWatch(std::shared_ptr<TokenDirectory> tokens,
                      std::chrono::milliseconds period = TokenDirectory::kCacheFor);

  // `holder` was let in with `token` for `access` to `event_id`; forgotten once it is gone.
  void watch(std::string event_id, std::string token, services::auth::Access access,
             std::weak_ptr<Holder> holder);
  // check() every period, for ever (until the executor stops).
  boost::asio::awaitable<void> run();
  // One pass: each token watched is read again; returns how many holders were told. A token
  // Redis cannot be asked about stays watched (nothing is known).
  boost::asio::awaitable<std::size_t> check();
  // Holders still watched (alive, their token not yet refused).
  std::size_t watched() const;
  // Entries kept, holders gone included (until they are dropped).
  std::size_t entries() const;

 private:
  using Key = std::tuple<std::string, std::string, services::auth::Access>;

  std::shared_ptr<TokenDirectory> tokens_;
  std::chrono::milliseconds period_;
  mutable std::mutex mutex_;
  std::map<Key, std::vector<std::weak_ptr<Holder>>> holders_;
};

}  // namespace rollcall::gateway
