#include "gateway/venue_folder.h"

#include <map>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/redis_failure.h"
#include "services/registry/event_config.h"
#include "services/store/keys.h"
#include "services/venue/fold_items.h"
#include "services/venue/venue_config.h"

namespace rollcall::gateway {
namespace {

namespace asio = boost::asio;
namespace venue = services::venue;
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
    // Commands are named before co_await: GCC cannot take a braced list inside one.
    std::vector<std::string> list{"SMEMBERS", std::string(services::store::kVenuesKey)};
    const auto venues = co_await exec(std::move(list), "", "array");
    if (!venues) co_return;
    for (const auto& element : venues->elements) {
      // Ids that break the rule name no venue the gateway would serve; skipped, not folded.
      if (!services::registry::is_valid_event_id(element.str)) continue;
      co_await fold_venue(element.str);
    }
  }

 private:
  // One command; nullopt when it failed (counted and logged as `site` of `feed`) or the reply is
  // not of `type` ("array", "string or nil", "").
  asio::awaitable<std::optional<redis::Reply>> exec(std::vector<std::string> command,
                                                    std::string_view feed, std::string_view type) {
    auto [ec, reply] =
        co_await redis_->async_exec(std::move(command), asio::as_tuple(asio::use_awaitable));
    if (ec) {
      note_redis_failure(*metrics_, kSite, feed, link_failure(ec, redis_->last_error()));
      co_return std::nullopt;
    }
    const bool fits = !reply.is_error() &&
                      (type != "array" || reply.type == redis::Reply::Type::array) &&
                      (type != "string or nil" || reply.type == redis::Reply::Type::string ||
                       reply.type == redis::Reply::Type::nil);
    if (!fits) {
      note_redis_failure(*metrics_, kSite, feed, reply_failure(reply, type));
      co_return std::nullopt;
    }
    co_return std::move(reply);
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
    co_await state->done.async_wait(asio::as_tuple(asio::use_awaitable));
    if (state->ec) {
      note_redis_failure(*metrics_, kSite, feed, link_failure(state->ec, redis_->last_error()));
      co_return std::nullopt;
    }
    for (const auto& reply : state->replies) {
      if (reply.is_error() || reply.type != redis::Reply::Type::array) {
        note_redis_failure(*metrics_, kSite, feed, reply_failure(reply, "array"));
        co_return std::nullopt;
      }
    }
    co_return std::move(state->replies);
  }

  asio::awaitable<void> fold_venue(const std::string& venue_id) {
    const auto feed = venue_feed(venue_id);
    std::vector<std::string> read{"HGET", services::store::venue_key(venue_id), "events"};
    const auto members = co_await exec(std::move(read), feed, "string or nil");
    if (!members) co_return;
    for (const auto& event_id : venue::parse_member_list(members->str)) {
      for (int call = 0; call < kMaxCallsPerEvent; ++call) {
        if (!co_await fold_once(venue_id, event_id)) break;
      }
    }
  }

  // One batch of one event; true when there may be more right after it.
  asio::awaitable<bool> fold_once(const std::string& venue_id, const std::string& event_id) {
    const auto feed = venue_feed(venue_id);
    std::vector<std::string> read{"HGET", services::store::tag(feed) + ":cursor", event_id};
    const auto stored = co_await exec(std::move(read), feed, "string or nil");
    if (!stored) co_return false;
    const std::string after =
        stored->type == redis::Reply::Type::nil ? std::string(venue::kNoCursor) : stored->str;
    const auto log = co_await exec(venue::log_read_command(event_id, after), event_id, "array");
    if (!log || log->elements.empty()) co_return false;

    std::vector<venue::LogRecord> entries;
    entries.reserve(log->elements.size());
    for (const auto& item : log->elements) {
      if (item.elements.size() != 2) {
        note_redis_failure(*metrics_, kSite, event_id, reply_failure(*log, "XRANGE entries"));
        co_return false;
      }
      venue::LogRecord entry{.id = item.elements[0].str};
      const auto& fields = item.elements[1].elements;
      for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
        entry.fields.emplace_back(fields[i].str, fields[i + 1].str);
      }
      entries.push_back(std::move(entry));
    }

    const auto badge_ids = venue::badges_needed(entries);
    std::vector<std::vector<std::string>> lookups;
    for (const auto& badge : badge_ids) {
      std::vector<std::string> command{"HMGET", services::store::badge_key(event_id, badge)};
      for (const auto field : venue::kBadgeFactFields) command.emplace_back(field);
      lookups.push_back(std::move(command));
    }
    const auto facts = co_await exec_all(std::move(lookups), event_id);
    if (!facts) co_return false;
    std::map<std::string, venue::BadgeFacts> badges;
    for (std::size_t i = 0; i < badge_ids.size(); ++i) {
      const auto& reply = (*facts)[i].elements;
      if (reply.size() != 3) {
        note_redis_failure(*metrics_, kSite, event_id, reply_failure((*facts)[i], "3 fields"));
        co_return false;
      }
      badges[badge_ids[i]] = {
          .country = reply[0].str, .category = reply[1].str, .person = reply[2].str};
    }

    std::vector<venue::FoldItem> items;
    items.reserve(entries.size());
    for (const auto& entry : entries) items.push_back(venue::fold_item(entry, badges));
    auto reply =
        co_await exec(venue::fold_command(venue_id, event_id, after, items), feed, "array");
    if (!reply) co_return false;
    const auto parsed = venue::parse_fold_reply(std::move(*reply).element_texts());
    if (!parsed) {
      note_redis_failure(*metrics_, kSite, feed,
                         {.kind = "reply_shape",
                          .cause = "rollcall_venue_fold's reply is not "
                                   "{status, folded, cursor, seq}"});
      co_return false;
    }
    if (parsed->status != "ok") {
      // not_member: the venue's events changed between the two reads; gap: a cursor older than
      // the one read (never expected). Both are retried on the next pass.
      note_redis_failure(*metrics_, kSite, feed,
                         {.kind = parsed->status == "not_member" ? "fold_not_member"
                                  : parsed->status == "gap"      ? "fold_gap"
                                                                 : "fold_malformed",
                          .cause = "rollcall_venue_fold refused " + event_id + " after " + after +
                                   ": " + parsed->status});
      co_return false;
    }
    metrics_->count_venue_folded(static_cast<std::uint64_t>(parsed->folded));
    co_return entries.size() == venue::kFoldBatch;
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
    auto [wait_ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
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
