#include "gateway/venue_folder.h"

#include <map>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/asio_tokens.h"
#include "gateway/redis_failure.h"
#include "services/registry/event_config.h"
#include "services/store/event_log_reader.h"
#include "services/store/event_reads.h"
#include "services/store/keys.h"
#include "services/store/venue_fold_call.h"
#include "services/venue/fold_items.h"
#include "services/venue/venue_config.h"

namespace rollcall::gateway {
namespace {

namespace asio = boost::asio;
namespace venue = services::venue;
namespace store = services::store;
using services::store::venue_feed;

constexpr std::string_view kSite = "venue_fold";
// Calls per event and pass: a backlog (a venue created late, a gateway back after an outage)
// is caught up over a few passes without starving the other events.
constexpr int kMaxCallsPerEvent = 20;

class Folder {
 public:
  Folder(std::shared_ptr<redis::Commands> redis, std::shared_ptr<Metrics> metrics)
      : redis_(std::move(redis)), metrics_(std::move(metrics)) {}

  asio::awaitable<void> pass() {
    const auto reply = co_await exec(store::venue_ids_read(), "");
    if (!reply) co_return;
    const auto venues = read(store::read_members(*reply), "");
    if (!venues) co_return;
    for (const auto& venue_id : *venues) {
      // Ids that break the rule name no venue the gateway would serve; skipped, not folded.
      if (!services::registry::is_valid_event_id(venue_id)) continue;
      co_await fold_venue(venue_id);
    }
  }

 private:
  // One command; nullopt when the link failed (counted and logged as `site` of `feed`).
  asio::awaitable<std::optional<redis::Reply>> exec(std::vector<std::string> command,
                                                    std::string_view feed) {
    auto [ec, reply] = co_await redis_->async_exec(std::move(command), use_tuple);
    if (ec) {
      note_redis_failure(*metrics_, kSite, feed, link_failure(ec, redis_->last_error()));
      co_return std::nullopt;
    }
    co_return std::move(reply);
  }

  // A reply the store read: its value, or nullopt once its error is counted and logged.
  template <class T>
  std::optional<T> read(store::Read<T> parsed, std::string_view feed) {
    if (!parsed) note_redis_failure(*metrics_, kSite, feed, store_failure(parsed.error));
    return std::move(parsed.value);
  }

  // Several commands sent at once (pipelined on the shared link); nullopt if any failed.
  asio::awaitable<std::optional<std::vector<redis::Reply>>> exec_all(
      std::vector<std::vector<std::string>> commands, std::string_view feed) {
    struct State {
      explicit State(asio::any_io_executor executor) : done(executor) {}
      asio::steady_timer done;
      std::vector<redis::Reply> replies;
      std::size_t left = 0;
      boost::system::error_code ec;
    };
    const auto executor = co_await asio::this_coro::executor;
    auto state = std::make_shared<State>(executor);
    state->replies.resize(commands.size());
    state->left = commands.size();
    if (commands.empty()) co_return std::move(state->replies);
    state->done.expires_at(asio::steady_timer::time_point::max());
    for (std::size_t i = 0; i < commands.size(); ++i) {
      // Completions are posted to this coroutine's strand, which cannot run them before the
      // wait below has started.
      redis_->exec(std::move(commands[i]),
                   [state, i, executor](boost::system::error_code ec, redis::Reply reply) {
                     asio::post(executor, [state, i, ec, reply = std::move(reply)]() mutable {
                       if (ec && !state->ec) state->ec = ec;
                       state->replies[i] = std::move(reply);
                       if (--state->left == 0) state->done.cancel();
                     });
                   });
    }
    co_await state->done.async_wait(use_tuple);
    if (state->ec) {
      note_redis_failure(*metrics_, kSite, feed, link_failure(state->ec, redis_->last_error()));
      co_return std::nullopt;
    }
    co_return std::move(state->replies);
  }

  asio::awaitable<void> fold_venue(const std::string& venue_id) {
    const auto feed = venue_feed(venue_id);
    const auto reply = co_await exec(store::venue_events_read(venue_id), feed);
    if (!reply) co_return;
    const auto members = read(store::read_field(*reply), feed);
    if (!members) co_return;
    for (const auto& event_id : venue::parse_member_list(members->value_or(std::string()))) {
      for (int call = 0; call < kMaxCallsPerEvent; ++call) {
        if (!co_await fold_once(venue_id, event_id)) break;
      }
    }
  }

  // One batch of one event; true when there may be more right after it.
  asio::awaitable<bool> fold_once(const std::string& venue_id, const std::string& event_id) {
    const auto feed = venue_feed(venue_id);
    const auto stored = co_await exec(store::fold_cursor_read(venue_id, event_id), feed);
    if (!stored) co_return false;
    const auto after = read(store::read_fold_cursor(*stored), feed);
    if (!after) co_return false;
    const auto log = co_await exec(
        store::log_range_read(event_id, "(" + *after, "+", venue::kFoldBatch), event_id);
    if (!log) co_return false;
    auto entries = read(store::read_log_page(*log, venue::kFoldBatch), event_id);
    if (!entries || entries->empty()) co_return false;

    const auto badge_ids = venue::badges_needed(*entries);
    std::vector<std::vector<std::string>> lookups;
    lookups.reserve(badge_ids.size());
    for (const auto& badge : badge_ids) lookups.push_back(store::badge_facts_read(event_id, badge));
    const auto facts = co_await exec_all(std::move(lookups), event_id);
    if (!facts) co_return false;
    std::map<std::string, venue::BadgeFacts> badges;
    for (std::size_t i = 0; i < badge_ids.size(); ++i) {
      auto known = read(store::read_badge_facts((*facts)[i]), event_id);
      if (!known) co_return false;
      badges[badge_ids[i]] = std::move(*known);
    }

    std::vector<venue::FoldItem> items;
    items.reserve(entries->size());
    for (const auto& entry : *entries) items.push_back(venue::fold_item(entry, badges));
    const auto reply =
        co_await exec(store::venue_fold_call(venue_id, event_id, *after, items), feed);
    if (!reply) co_return false;
    const auto parsed = read(store::read_venue_fold_reply(*reply), feed);
    if (!parsed) co_return false;
    if (parsed->status != "ok") {
      // not_member: the venue's events changed between the two reads; gap: a cursor older than
      // the one read (never expected). Both are retried on the next pass.
      note_redis_failure(*metrics_, kSite, feed,
                         {.kind = parsed->status == "not_member" ? "fold_not_member"
                                  : parsed->status == "gap"      ? "fold_gap"
                                                                 : "fold_malformed",
                          .cause = "rollcall_venue_fold refused " + event_id + " after " + *after +
                                   ": " + parsed->status});
      co_return false;
    }
    metrics_->count_venue_folded(static_cast<std::uint64_t>(parsed->folded));
    co_return entries->size() == venue::kFoldBatch;
  }

  std::shared_ptr<redis::Commands> redis_;
  std::shared_ptr<Metrics> metrics_;
};

}  // namespace

asio::awaitable<void> run_venue_folds(std::shared_ptr<redis::Commands> redis,
                                      std::shared_ptr<Metrics> metrics,
                                      std::chrono::milliseconds period) {
  Folder folder(redis, metrics);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    timer.expires_after(period);
    auto [wait_ec] = co_await timer.async_wait(use_tuple);
    if (wait_ec) co_return;
    // While the link is down every call would fail at once: one failure a pass is enough.
    if (!redis->ready()) {
      note_redis_failure(*metrics, kSite, "",
                         {.kind = "link", .cause = "Redis link down: " + redis->last_error()});
      continue;
    }
    co_await folder.pass();
  }
}

}  // namespace rollcall::gateway
