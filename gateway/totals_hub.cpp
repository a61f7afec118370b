#include "gateway/totals_hub.h"

#include <charconv>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/redis_failure.h"
#include "gateway/server/ws_frame.h"
#include "services/store/keys.h"
#include "services/store/totals_call.h"
#include "services/totals/change_notice.h"

namespace rollcall::gateway {
namespace {

namespace asio = boost::asio;
using services::wire::Encoding;

std::optional<std::string> event_of_channel(std::string_view channel) {
  // "{EVENT}:changes"
  if (!channel.starts_with('{') || !channel.ends_with("}:changes")) return std::nullopt;
  return std::string(channel.substr(1, channel.size() - 1 - std::string_view("}:changes").size()));
}

SharedFrames serialize(const v1::DisplayMessage& message, std::uint64_t prev_seq,
                       std::uint64_t seq) {
  return SharedFrames{
      .prev_seq = prev_seq,
      .seq = seq,
      .binary = prepared_frame(encode(message, Encoding::binary), Encoding::binary),
      .json = prepared_frame(encode(message, Encoding::json), Encoding::json),
  };
}

// How often displays are swept (DisplaySink::on_sweep), at most: their timeouts are seconds.
constexpr auto kSweepEvery = std::chrono::seconds(1);

}  // namespace

std::shared_ptr<const std::string> prepared_frame(std::string_view payload, Encoding encoding) {
  using server::ws::Opcode;
  return std::make_shared<const std::string>(server::ws::server_frame(
      encoding == Encoding::binary ? Opcode::binary : Opcode::text, payload));
}

std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

asio::awaitable<std::optional<std::pair<std::uint64_t, services::totals::Counters>>> read_counters(
    redis::Commands& redis, Metrics& metrics, const std::string& event_id) {
  auto [ec, reply] = co_await redis.async_exec(services::store::totals_call(event_id), use_tuple);
  auto totals = services::store::read_totals_reply(reply);
  if (ec || !totals) {
    note_redis_failure(
        metrics, "totals", event_id,
        ec ? link_failure(ec, redis.last_error()) : store_failure(totals.error, reply));
    co_return std::nullopt;
  }
  co_return std::make_pair(totals->seq, std::move(totals->counters));
}

TotalsHub::TotalsHub(asio::any_io_executor executor, std::shared_ptr<redis::Commands> commands,
                     std::shared_ptr<redis::Connection> subscriber, std::chrono::milliseconds tick,
                     std::shared_ptr<Metrics> metrics)
    : executor_(std::move(executor)),
      commands_(std::move(commands)),
      subscriber_(std::move(subscriber)),
      tick_(tick),
      metrics_(std::move(metrics)),
      timer_(executor_) {}

void TotalsHub::start() {
  std::weak_ptr<TotalsHub> weak = shared_from_this();
  subscriber_->on_message([weak](const std::string& channel, const std::string& payload) {
    if (auto self = weak.lock()) self->on_message(channel, payload);
  });
  subscriber_->on_state_change([weak](bool ready, const std::string&) {
    if (auto self = weak.lock()) self->on_subscriber_state(ready);
  });
  asio::co_spawn(executor_, run_ticks(), asio::detached);
}

void TotalsHub::stop() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  timer_.cancel();
}

void TotalsHub::attach(const std::string& event_id, const std::shared_ptr<DisplaySink>& sink) {
  bool first = false;
  {
    std::lock_guard lock(mutex_);
    auto [it, inserted] = feeds_.try_emplace(event_id, event_id);
    it->second.sinks.push_back(sink);
    first = inserted;
    // Subscribe before reading, so no notice falls between the read and the subscription.
    // (Under the lock, so that it stays ordered with the unsubscribe of an idle feed.)
    if (first) subscriber_->subscribe(services::store::changes_channel(event_id));
  }
  if (first) reload(event_id);
}

void TotalsHub::detach(const std::string& event_id, const DisplaySink* sink) {
  std::lock_guard lock(mutex_);
  auto it = feeds_.find(event_id);
  if (it == feeds_.end()) return;
  std::erase_if(it->second.sinks, [sink](const auto& weak) {
    auto locked = weak.lock();
    return !locked || locked.get() == sink;
  });
}

std::optional<SharedFrames> TotalsHub::snapshot(const std::string& event_id) {
  std::lock_guard lock(mutex_);
  auto it = feeds_.find(event_id);
  if (it == feeds_.end() || !it->second.folder.synced()) return std::nullopt;
  auto& feed = it->second;
  if (!feed.snapshot || feed.snapshot->seq != feed.folder.seq()) {
    v1::DisplayMessage message;
    *message.mutable_snapshot() = feed.folder.snapshot(unix_ms_now());
    feed.snapshot = serialize(message, 0, feed.folder.seq());
  }
  return feed.snapshot;
}

asio::awaitable<std::optional<v1::Totals>> TotalsHub::totals(const std::string& event_id) {
  {
    std::lock_guard lock(mutex_);
    auto it = feeds_.find(event_id);
    if (it != feeds_.end() && it->second.folder.synced()) {
      co_return it->second.folder.snapshot(unix_ms_now());
    }
  }
  auto read = co_await read_counters(*commands_, *metrics_, event_id);
  if (!read) co_return std::nullopt;
  services::totals::TotalsFolder folder(event_id);
  folder.reset(read->first, read->second);
  co_return folder.snapshot(unix_ms_now());
}

void TotalsHub::on_message(const std::string& channel, const std::string& payload) {
  const auto event_id = event_of_channel(channel);
  auto notice = services::totals::parse_change_notice(payload);
  if (!event_id || !notice) {
    spdlog::warn("ignoring unreadable change notice on {}", channel);
    return;
  }
  using Fold = services::totals::TotalsFolder::Fold;
  auto fold = Fold::applied;
  std::vector<std::weak_ptr<DisplaySink>> sinks;
  {
    std::lock_guard lock(mutex_);
    auto it = feeds_.find(*event_id);
    if (it == feeds_.end()) return;
    auto& feed = it->second;
    if (feed.loading) {
      feed.buffered.push_back(std::move(*notice));
      return;
    }
    fold = feed.folder.apply(*notice);
    if (fold == Fold::reshaped) sinks = feed.sinks;
  }
  if (fold == Fold::gap) reload(*event_id);
  // Something was removed (a forgotten desk): every display takes a fresh snapshot.
  for (const auto& weak : sinks) {
    if (auto sink = weak.lock()) sink->on_resync();
  }
}

void TotalsHub::on_subscriber_state(bool ready) {
  std::vector<std::string> events;
  {
    std::lock_guard lock(mutex_);
    for (auto& [event_id, feed] : feeds_) {
      feed.folder.mark_unsynced();
      events.push_back(event_id);
    }
  }
  // Notices published while the subscriber was away are lost: read everything again.
  if (ready) {
    for (const auto& event_id : events) reload(event_id);
  }
}

void TotalsHub::reload(const std::string& event_id) {
  {
    std::lock_guard lock(mutex_);
    auto it = feeds_.find(event_id);
    if (it == feeds_.end() || it->second.loading) return;
    it->second.loading = true;
    it->second.buffered.clear();
  }
  asio::co_spawn(
      executor_,
      [self = shared_from_this(), event_id]() -> asio::awaitable<void> {
        auto read = co_await read_counters(*self->commands_, *self->metrics_, event_id);
        std::vector<std::weak_ptr<DisplaySink>> sinks;
        bool retry = false;
        bool retry_after_pause = false;
        {
          std::lock_guard lock(self->mutex_);
          auto it = self->feeds_.find(event_id);
          if (it == self->feeds_.end()) co_return;
          auto& feed = it->second;
          feed.loading = false;
          if (!read) {
            // Redis is away, or only the command connection is: the subscriber may already be
            // back and no notice may come, so try again shortly rather than wait for one.
            feed.folder.mark_unsynced();
            if (self->stopped_) co_return;
            retry_after_pause = true;
          } else {
            feed.folder.reset(read->first, read->second);
            for (const auto& notice : feed.buffered) {
              if (feed.folder.apply(notice) == services::totals::TotalsFolder::Fold::gap) {
                retry = true;
                break;
              }
            }
            feed.buffered.clear();
            sinks = feed.sinks;
          }
        }
        if (retry_after_pause) {
          asio::steady_timer pause(self->executor_, std::chrono::milliseconds(250));
          co_await pause.async_wait(use_tuple);
          self->reload(event_id);
          co_return;
        }
        if (retry) {
          self->reload(event_id);
          co_return;
        }
        for (const auto& weak : sinks) {
          if (auto sink = weak.lock()) sink->on_resync();
        }
      },
      asio::detached);
}

asio::awaitable<void> TotalsHub::run_ticks() {
  auto self = shared_from_this();
  auto last_sweep = std::chrono::steady_clock::now();
  for (;;) {
    timer_.expires_after(tick_);
    co_await timer_.async_wait(use_tuple);  // a cancel ends the wait early; stopped_ says why
    {
      std::lock_guard lock(mutex_);
      if (stopped_) co_return;
    }
    tick();
    if (std::chrono::steady_clock::now() - last_sweep >= kSweepEvery) {
      last_sweep = std::chrono::steady_clock::now();
      sweep();
    }
  }
}

void TotalsHub::sweep() {
  std::vector<std::weak_ptr<DisplaySink>> sinks;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [event_id, feed] : feeds_) {
      sinks.insert(sinks.end(), feed.sinks.begin(), feed.sinks.end());
    }
  }
  const auto now = std::chrono::steady_clock::now();
  for (const auto& weak : sinks) {
    if (auto sink = weak.lock()) sink->on_sweep(now);
  }
}

void TotalsHub::tick() {
  std::vector<
      std::pair<std::shared_ptr<const SharedFrames>, std::vector<std::weak_ptr<DisplaySink>>>>
      deliveries;
  std::vector<std::string> idle;
  {
    std::lock_guard lock(mutex_);
    const auto now = unix_ms_now();
    for (auto& [event_id, feed] : feeds_) {
      std::erase_if(feed.sinks, [](const auto& weak) { return weak.expired(); });
      if (feed.sinks.empty() && !feed.loading) {
        idle.push_back(event_id);
        continue;
      }
      if (!feed.folder.synced()) continue;
      auto update = feed.folder.take_update(now);
      if (!update) continue;
      v1::DisplayMessage message;
      const auto prev_seq = update->prev_seq();
      const auto seq = update->totals().seq();
      *message.mutable_update() = std::move(*update);
      deliveries.emplace_back(
          std::make_shared<const SharedFrames>(serialize(message, prev_seq, seq)), feed.sinks);
    }
    for (const auto& event_id : idle) {
      feeds_.erase(event_id);
      subscriber_->unsubscribe(services::store::changes_channel(event_id));
    }
  }
  if (!deliveries.empty()) metrics_->count_tick();
  for (const auto& [frames, sinks] : deliveries) {
    for (const auto& weak : sinks) {
      if (auto sink = weak.lock()) sink->on_update(frames);
    }
  }
}

}  // namespace rollcall::gateway
