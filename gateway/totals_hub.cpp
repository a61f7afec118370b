#include "gateway/totals_hub.h"

#include <algorithm>
#include <charconv>
#include <unordered_map>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
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

void resync(DisplaySink& sink) {
  sink.on_resync();
}

// How often displays are swept (DisplaySink::on_sweep), at most: their timeouts are seconds.
constexpr auto kSweepEvery = std::chrono::seconds(1);

}  // namespace

// The displays of one executor, by event: a tick walks a vector, and a detach is O(1) (each
// display's position is indexed). Touched under its own mutex, which is never taken with the
// hub's held (the displays' calls take the hub's).
struct TotalsHub::Lane {
  struct Entry {
    const DisplaySink* key;
    std::weak_ptr<DisplaySink> sink;
  };
  struct Displays {
    std::vector<Entry> entries;
    std::unordered_map<const DisplaySink*, std::size_t> position;
  };

  explicit Lane(asio::any_io_executor executor) : executor(std::move(executor)) {}

  void add(const std::string& event_id, const std::shared_ptr<DisplaySink>& sink) {
    std::lock_guard lock(mutex);
    auto& displays = by_event[event_id];
    if (!displays.position.emplace(sink.get(), displays.entries.size()).second) return;
    displays.entries.push_back({sink.get(), sink});
  }

  bool remove(const std::string& event_id, const DisplaySink& sink) {
    std::lock_guard lock(mutex);
    auto it = by_event.find(event_id);
    if (it == by_event.end()) return false;
    auto& displays = it->second;
    auto at = displays.position.find(&sink);
    if (at == displays.position.end()) return false;
    const auto i = at->second;
    displays.position.erase(at);
    if (i + 1 != displays.entries.size()) {
      displays.entries[i] = std::move(displays.entries.back());
      displays.position[displays.entries[i].key] = i;
    }
    displays.entries.pop_back();
    if (displays.entries.empty()) by_event.erase(it);
    return true;
  }

  template <class Visit>
  static void each_of(const Displays& displays, Visit& visit) {
    for (const auto& entry : displays.entries) {
      if (auto sink = entry.sink.lock()) visit(*sink);
    }
  }

  void deliver(const Updates& updates) {
    std::lock_guard lock(mutex);
    for (const auto& [event_id, frames] : updates) {
      auto it = by_event.find(event_id);
      if (it == by_event.end()) continue;
      auto send = [&frames](DisplaySink& sink) { sink.on_update(frames); };
      each_of(it->second, send);
    }
  }

  void visit(const std::optional<std::string>& event_id,
             const std::function<void(DisplaySink&)>& each) {
    std::lock_guard lock(mutex);
    if (!event_id) {
      for (const auto& [id, displays] : by_event) each_of(displays, each);
    } else if (auto it = by_event.find(*event_id); it != by_event.end()) {
      each_of(it->second, each);
    }
  }

  const asio::any_io_executor executor;
  std::mutex mutex;
  std::map<std::string, Displays, std::less<>> by_event;
};

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
  asio::co_spawn(executor_, run_ticks(), rethrow_to_pool);
}

void TotalsHub::stop() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  timer_.cancel();
}

std::shared_ptr<TotalsHub::Lane> TotalsHub::lane_of(const asio::any_io_executor& executor) {
  for (const auto& lane : lanes_) {
    if (lane->executor == executor) return lane;
  }
  return lanes_.emplace_back(std::make_shared<Lane>(executor));
}

void TotalsHub::attach(const std::string& event_id, const std::shared_ptr<DisplaySink>& sink) {
  bool first = false;
  std::shared_ptr<Lane> lane;
  {
    std::lock_guard lock(mutex_);
    auto [it, inserted] = feeds_.try_emplace(event_id, event_id);
    ++it->second.displays;
    first = inserted;
    // Subscribe before reading, so no notice falls between the read and the subscription.
    // (Under the lock, so that it stays ordered with the unsubscribe of an idle feed.)
    if (first) subscriber_->subscribe(services::store::changes_channel(event_id));
    lane = lane_of(sink->executor());
  }
  lane->add(event_id, sink);
  if (first) reload(event_id);
}

void TotalsHub::detach(const std::string& event_id, const DisplaySink& sink) {
  std::shared_ptr<Lane> lane;
  {
    std::lock_guard lock(mutex_);
    lane = lane_of(sink.executor());
  }
  if (!lane->remove(event_id, sink)) return;
  std::lock_guard lock(mutex_);
  auto it = feeds_.find(event_id);
  if (it != feeds_.end() && it->second.displays > 0) --it->second.displays;
}

void TotalsHub::on_lanes(std::optional<std::string> event_id,
                         std::function<void(DisplaySink&)> visit) {
  std::vector<std::shared_ptr<Lane>> lanes;
  {
    std::lock_guard lock(mutex_);
    lanes = lanes_;
  }
  for (const auto& lane : lanes) {
    asio::post(lane->executor, [lane, event_id, visit] { lane->visit(event_id, visit); });
  }
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
  if (!event_id || !services::totals::parse_change_notice(payload, &notice_)) {
    spdlog::warn("ignoring unreadable change notice on {}", channel);
    return;
  }
  using Fold = services::totals::TotalsFolder::Fold;
  auto fold = Fold::applied;
  {
    std::lock_guard lock(mutex_);
    auto it = feeds_.find(*event_id);
    if (it == feeds_.end()) return;
    auto& feed = it->second;
    if (feed.loading) {
      feed.buffered.push_back(notice_);
      return;
    }
    fold = feed.folder.apply(notice_);
  }
  if (fold == Fold::gap) reload(*event_id);
  // Something was removed (a forgotten desk): every display takes a fresh snapshot.
  if (fold == Fold::reshaped) on_lanes(*event_id, resync);
}

void TotalsHub::on_subscriber_state(bool ready) {
  // Notices published while the subscriber was away are lost: read everything again.
  if (ready) {
    reload_all();
    return;
  }
  std::lock_guard lock(mutex_);
  for (auto& [event_id, feed] : feeds_) feed.folder.mark_unsynced();
}

void TotalsHub::reload_all() {
  std::vector<std::string> events;
  {
    std::lock_guard lock(mutex_);
    for (auto& [event_id, feed] : feeds_) {
      feed.folder.mark_unsynced();
      events.push_back(event_id);
    }
  }
  for (const auto& event_id : events) reload(event_id);
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
        self->on_lanes(event_id, resync);
      },
      rethrow_to_pool);
}

asio::awaitable<void> TotalsHub::run_ticks() {
  auto self = shared_from_this();
  auto last_sweep = std::chrono::steady_clock::now();
  auto next_tick = last_sweep;
  for (;;) {
    // A fixed rate: the tick's own work (and a late wake-up) does not push the next one back.
    // After a stall longer than a tick, the rate starts again from now rather than catching up.
    next_tick = std::max(next_tick + tick_, std::chrono::steady_clock::now());
    timer_.expires_at(next_tick);
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
  const auto now = std::chrono::steady_clock::now();
  on_lanes(std::nullopt, [now](DisplaySink& sink) { sink.on_sweep(now); });
}

void TotalsHub::tick() {
  auto updates = std::make_shared<Updates>();
  std::vector<std::shared_ptr<Lane>> lanes;
  std::vector<std::string> idle;
  {
    std::lock_guard lock(mutex_);
    const auto now = unix_ms_now();
    for (auto& [event_id, feed] : feeds_) {
      if (feed.displays == 0 && !feed.loading) {
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
      updates->emplace_back(
          event_id, std::make_shared<const SharedFrames>(serialize(message, prev_seq, seq)));
    }
    for (const auto& event_id : idle) {
      feeds_.erase(event_id);
      subscriber_->unsubscribe(services::store::changes_channel(event_id));
    }
    lanes = lanes_;
  }
  if (updates->empty()) return;
  metrics_->count_tick();
  // One post per lane: each thread walks its own displays with the shared frames.
  for (const auto& lane : lanes) {
    asio::post(lane->executor, [lane, updates] { lane->deliver(*updates); });
  }
}

}  // namespace rollcall::gateway
