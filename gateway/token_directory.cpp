#include "gateway/token_directory.h"

#include <google/protobuf/util/json_util.h>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/redis_failure.h"
#include "services/auth/token.h"
#include "services/auth/token_check.h"
#include "services/store/event_reads.h"
#include "services/store/keys.h"

namespace rollcall::gateway {

namespace auth = services::auth;

TokenDirectory::TokenDirectory(std::shared_ptr<redis::Commands> redis,
                               std::shared_ptr<Metrics> metrics)
    : redis_(std::move(redis)),
      metrics_(metrics ? std::move(metrics) : std::make_shared<Metrics>()) {}

TokenDirectory::Presented TokenDirectory::presented(std::string_view token) {
  return Presented{.hash = token.empty() ? std::string() : auth::token_hash(token)};
}

boost::asio::awaitable<TokenDirectory::Decision> TokenDirectory::authorize(std::string event_id,
                                                                           std::string token,
                                                                           auth::Access access,
                                                                           bool fresh) {
  return authorize(std::move(event_id), presented(token), access, fresh);
}

boost::asio::awaitable<TokenDirectory::Decision> TokenDirectory::authorize(std::string event_id,
                                                                           Presented token,
                                                                           auth::Access access,
                                                                           bool fresh) {
  Decision decision;
  if (token.hash.empty()) {
    decision.refusal = "missing";
    co_return decision;
  }
  const auto& hash = token.hash;
  decision.token_id = auth::token_id(hash);
  const auto key = event_id + "\n" + hash;
  const auto now = std::chrono::steady_clock::now();

  std::optional<Entry> entry;
  {
    std::lock_guard lock(mutex_);
    if (auto it = cache_.find(key);
        !fresh && it != cache_.end() && now - it->second.fetched < kCacheFor) {
      entry = it->second;
    }
  }
  if (!entry) {
    auto [ec, reply] =
        co_await redis_->async_exec(services::store::token_read(event_id, hash), use_tuple);
    const auto stored =
        services::store::read_optional_text(reply, "the token's record (a string or nil)");
    if (ec || !stored) {
      // The token is not logged: its id is, and only that of a hash the caller sent.
      note_redis_failure(
          *metrics_, kSite, event_id,
          ec ? link_failure(ec, redis_->last_error()) : store_failure(stored.error, reply));
      decision.unavailable = true;
      co_return decision;
    }
    entry.emplace(Entry{.fetched = now});
    if (*stored) {
      auto record = std::make_shared<v1::TokenRecord>();
      google::protobuf::util::JsonParseOptions options;
      options.ignore_unknown_fields = true;  // written by a newer rollcall-admin
      if (google::protobuf::util::JsonStringToMessage(**stored, record.get(), options).ok()) {
        entry->record = std::move(record);
      }
    }
    std::lock_guard lock(mutex_);
    if (cache_.size() >= kMaxEntries) cache_.clear();
    cache_[key] = *entry;
  }

  const auto verdict = auth::check_token(entry->record.get(), std::chrono::system_clock::now());
  if (verdict != auth::TokenVerdict::ok) {
    decision.refusal = auth::verdict_name(verdict);
    co_return decision;
  }
  decision.role = entry->record->role();
  if (decision.role == v1::desk) decision.desk_id = auth::desk_id_of(*entry->record);
  decision.scopes.assign(entry->record->scopes().begin(), entry->record->scopes().end());
  decision.name = entry->record->name();
  if (!auth::token_allows(*entry->record, access)) {
    decision.refusal = "forbidden";
    co_return decision;
  }
  decision.allowed = true;
  co_return decision;
}

}  // namespace rollcall::gateway
