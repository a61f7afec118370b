#include "gateway/token_watch.h"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include "gateway/asio_tokens.h"

namespace rollcall::gateway {

namespace asio = boost::asio;

TokenWatch::TokenWatch(std::shared_ptr<TokenDirectory> tokens, std::chrono::milliseconds period)
    : tokens_(std::move(tokens)), period_(period) {}

void TokenWatch::watch(std::string event_id, std::string token, services::auth::Access access,
                       std::weak_ptr<Holder> holder) {
  std::lock_guard lock(mutex_);
  auto& holders = holders_[Key{std::move(event_id), std::move(token), access}];
  // Before the list grows, the holders gone are dropped: each keeps its session's memory (one
  // allocation with its count) until then, and a reconnect storm would pile them up.
  if (holders.size() == holders.capacity()) {
    std::erase_if(holders, [](const auto& gone) { return gone.expired(); });
  }
  holders.push_back(std::move(holder));
}

asio::awaitable<void> TokenWatch::run() {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    timer.expires_after(period_);
    co_await timer.async_wait(use_tuple);
    co_await check();
  }
}

asio::awaitable<std::size_t> TokenWatch::check() {
  std::vector<Key> keys;
  {
    std::lock_guard lock(mutex_);
    for (auto it = holders_.begin(); it != holders_.end();) {
      // Holders gone since the last pass (their connections ended) are dropped first.
      std::erase_if(it->second, [](const auto& holder) { return holder.expired(); });
      it = it->second.empty() ? holders_.erase(it) : std::next(it);
    }
    for (const auto& [key, holders] : holders_) keys.push_back(key);
  }
  std::size_t told = 0;
  for (const auto& key : keys) {
    const auto& [event_id, token, access] = key;
    const auto decision = co_await tokens_->authorize(event_id, token, access, /*fresh=*/true);
    if (decision.allowed || decision.unavailable) continue;
    std::vector<std::weak_ptr<Holder>> refused;
    {
      std::lock_guard lock(mutex_);
      if (auto it = holders_.find(key); it != holders_.end()) {
        refused = std::move(it->second);
        holders_.erase(it);
      }
    }
    std::size_t closed = 0;
    for (const auto& weak : refused) {
      if (auto holder = weak.lock()) {
        holder->on_token_refused(decision);
        ++closed;
      }
    }
    // The token id is derived from the token's hash: no client text reaches the line.
    spdlog::info("token {} {}: {} connection(s) let in with it are told", decision.token_id,
                 decision.refusal, closed);
    told += closed;
  }
  co_return told;
}

std::size_t TokenWatch::watched() const {
  std::lock_guard lock(mutex_);
  std::size_t alive = 0;
  for (const auto& [key, holders] : holders_) {
    alive += std::count_if(holders.begin(), holders.end(),
                           [](const auto& holder) { return !holder.expired(); });
  }
  return alive;
}

std::size_t TokenWatch::entries() const {
  std::lock_guard lock(mutex_);
  std::size_t entries = 0;
  for (const auto& [key, holders] : holders_) entries += holders.size();
  return entries;
}

}  // namespace rollcall::gateway
