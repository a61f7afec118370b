// Issue 16: the link's logic as a state machine, tested without any server: a simulated world
// (resolver, hiredis, sentinels, timers, a Redis that answers in order) carries out its actions
// and feeds it events, in random interleavings, checking the invariants after every step.
#include "redis/link_state.h"

#include "redis/action_queue.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace rollcall::tests::redis {
namespace {

using namespace std::chrono_literals;
namespace rr = rollcall::redis;
using LS = rr::LinkState;
using rr::Reply;
using Clock = LS::Clock;

Reply status(std::string text) {
  return Reply{.type = Reply::Type::status, .str = std::move(text)};
}
Reply error_reply(std::string text) {
  return Reply{.type = Reply::Type::error, .str = std::move(text)};
}
Reply text(std::string value) {
  return Reply{.type = Reply::Type::string, .str = std::move(value)};
}
Reply integer(long long value) {
  return Reply{.type = Reply::Type::integer, .integer = value};
}
Reply array(std::vector<Reply> elements) {
  return Reply{.type = Reply::Type::array, .elements = std::move(elements)};
}

rr::LinkOptions base_options() {
  rr::LinkOptions options;
  options.url.host = "redis.test";
  options.url.port = 6379;
  options.connect_timeout = 200ms;
  options.health_interval = 100ms;
  options.health_timeout = 300ms;
  options.backoff_initial = 10ms;
  options.backoff_max = 80ms;
  options.wait_timeout = 50ms;
  return options;
}

rr::LinkOptions sentinel_options() {
  auto options = base_options();
  options.url.sentinels = {{"s1.test", 26379}, {"s2.test", 26379}};
  options.url.master_name = "rolltest";
  return options;
}

// A command in flight on the simulated link.
struct Sent {
  LS::Tag tag;
  std::vector<std::string> args;
};

// The driver and the world around the state machine, with the checks. User commands are
// {"INCR", id}, a write that a WAIT covers, or {"GET", id}, a read answered as it comes, so that
// the world knows which one Redis answers.
class World {
 public:
  explicit World(rr::LinkOptions options, std::uint64_t seed = 1)
      : options_(options), state_(std::move(options)), rng_(seed) {
    expected_backoff_ = options_.backoff_initial;
  }

  // --- the driver: the Connection's own queue --------------------------------------------------
  void apply(LS::Actions actions) {
    if (stopped_) {
      for (const auto& action : actions) {
        if (!std::holds_alternative<LS::Complete>(action)) {
          ADD_FAILURE() << "action " << action.index() << " after stop";
        }
      }
    }
    queue_.apply(std::move(actions), [this](LS::Action& action) { execute(action); });
  }

  void execute(LS::Action& action) {
    if (auto* a = std::get_if<LS::Resolve>(&action)) {
      resolved_hosts_.push_back(a->host + ":" + std::to_string(a->port));
      EXPECT_FALSE(link_) << "resolving while a link is open";
      resolving_ = a->link;
    } else if (auto* a = std::get_if<LS::Open>(&action)) {
      ASSERT_FALSE(link_) << "two live links";
      ++opens_;
      if (faults_ && chance(30)) {
        apply(state_.open_failed(a->link, "cannot attach"));
      } else {
        link_ = a->link;
        wire_.clear();
        apply(state_.opened(a->link));
      }
    } else if (auto* a = std::get_if<LS::AskSentinels>(&action)) {
      EXPECT_FALSE(link_) << "asking the sentinels while a link is open";
      asking_ = a->link;
    } else if (auto* a = std::get_if<LS::Send>(&action)) {
      if (!link_) {
        apply(state_.refused(a->tag));
        return;
      }
      // What Redis would read from the bytes the link sends.
      const auto args = a->command.args();
      ASSERT_FALSE(args.empty()) << "an empty command sent";
      EXPECT_EQ(args[0], a->command.name());
      if (args[0] == "WAIT") {
        if (since_wait_.empty()) {
          // No batch: a probe, only while the replicas are short, and short itself.
          ++probes_;
          EXPECT_TRUE(short_) << "a probe while the replicas are enough";
          const auto timeout = std::stoll(args[2]);
          EXPECT_TRUE(timeout <= LS::probe_wait_limit.count() ||
                      timeout == options_.wait_timeout.count())
              << timeout;
        }
        batches_[a->tag] = std::move(since_wait_);
        since_wait_.clear();
      } else if (args[0] == "INCR") {
        // A write sent while the replicas are short is in no batch.
        const auto id = std::stoull(args[1]);
        if (!unreplicated_.count(id)) {
          since_wait_.push_back(id);
          if (options_.wait_replicas > 0) held_.insert(id);
        }
      } else if (args[0] == "SUBSCRIBE") {
        push_tag_ = a->tag;
      }
      if (args[0] == "PING" && ready_) ++pings_;
      wire_.push_back(Sent{a->tag, args});
    } else if (std::holds_alternative<LS::Close>(action)) {
      link_.reset();
      wire_.clear();
      since_wait_.clear();
      resolving_.reset();
      asking_.reset();
      subscribed_ = false;
    } else if (auto* a = std::get_if<LS::ArmTimer>(&action)) {
      timers_[a->timer] = {a->token, now_ + a->delay};
      if (a->timer == LS::Timer::retry) {
        EXPECT_EQ(a->delay, expected_backoff_) << "backoff";
        retries_.push_back(a->delay);
        expected_backoff_ = std::min(expected_backoff_ * 2, options_.backoff_max);
      }
    } else if (auto* a = std::get_if<LS::CancelTimer>(&action)) {
      timers_.erase(a->timer);
    } else if (std::holds_alternative<LS::PostFlush>(action)) {
      ++flushes_;
    } else if (auto* a = std::get_if<LS::Complete>(&action)) {
      EXPECT_TRUE(issued_.count(a->id)) << "completed an unknown command " << a->id;
      EXPECT_EQ(++completed_[a->id], 1) << "command " << a->id << " completed twice";
      if (held_.erase(a->id) != 0) {
        EXPECT_TRUE(a->ec == rr::error::unavailable || (!a->ec && a->reply.is_error()))
            << "write " << a->id << " delivered before its WAIT: " << a->ec.message();
      }
      if (auto it = expected_.find(a->id); it != expected_.end()) {
        EXPECT_EQ(a->ec, it->second) << "command " << a->id;
        expected_.erase(it);
      }
      if (!a->ec) {
        ++succeeded_;
      } else {
        ++failed_[a->ec.value()];
      }
    } else if (std::holds_alternative<LS::Deliver>(action)) {
      ++messages_;
    } else if (auto* a = std::get_if<LS::Notify>(&action)) {
      EXPECT_NE(a->ready, ready_) << "notified the same state twice";
      ready_ = a->ready;
      if (a->ready) {
        EXPECT_FALSE(reported_short_) << "a new link reported short before any WAIT";
        ++readies_;
        short_ = false;  // a new link trusts its replicas until a WAIT says otherwise
        EXPECT_TRUE(a->cause.empty());
        expected_backoff_ = options_.backoff_initial;
        progress_ = now_;
      } else {
        ++losses_;
        EXPECT_FALSE(a->cause.empty()) << "a loss without its cause";
        causes_.push_back(a->cause);
      }
    } else if (auto* a = std::get_if<LS::Replicas>(&action)) {
      EXPECT_NE(a->enough, !reported_short_) << "the same replicas reported twice";
      reported_short_ = !a->enough;
      ++replicas_reports_;
      EXPECT_TRUE(a->detail.starts_with(options_.url.host)) << a->detail;
    } else if (auto* a = std::get_if<LS::SetError>(&action)) {
      last_error_ = a->text;
      if (a->text.starts_with("health check")) {
        ++health_deaths_;
        // Dead only after health_timeout with no reply at all.
        EXPECT_GE(now_ - progress_, state_.effective_health_timeout()) << a->text;
      }
      if (!options_.url.password.empty()) {
        EXPECT_EQ(a->text.find(options_.url.password), std::string::npos) << a->text;
      }
    }
  }

  // --- the world's events ---------------------------------------------------------------------
  void start() { apply(state_.start()); }
  void stop() {
    apply(state_.stop());
    stopped_ = true;
  }
  LS::CommandId exec(bool empty = false, bool read = false) {
    const auto id = ++commands_;
    issued_.insert(id);
    std::vector<std::string> args;
    if (!empty) args = {read ? "GET" : "INCR", std::to_string(id)};
    if (!empty && !read && ready_ && short_ && !state_.subscriber()) {
      unreplicated_.insert(id);
      ++short_writes_;
    }
    apply(state_.exec(id, std::move(args), now_));
    return id;
  }
  void flush() {
    --flushes_;
    apply(state_.flush(now_));
  }
  bool resolve(bool ok = true) {
    if (!resolving_) return false;
    auto link = *resolving_;
    resolving_.reset();
    apply(ok ? state_.resolved(link, "10.0.0.1", "")
             : state_.resolved(link, std::nullopt, "NXDOMAIN"));
    return true;
  }
  bool answer_sentinel(bool ok = true) {
    if (!asking_) return false;
    auto link = *asking_;
    asking_.reset();
    apply(ok ? state_.sentinel_answer(link, LS::Primary{"10.0.0.2", 6380, 1}, "")
             : state_.sentinel_answer(link, std::nullopt, "s1.test:26379: refused"));
    return true;
  }
  // Redis answers the oldest command on the link.
  bool answer(std::function<std::optional<Reply>(const Sent&)> override = {}) {
    if (!link_ || wire_.empty()) return false;
    Sent sent = wire_.front();
    wire_.pop_front();
    const auto link = *link_;
    std::vector<Reply> replies;
    if (override) {
      if (auto r = override(sent)) replies.push_back(*r);
    }
    if (replies.empty()) replies = replies_for(sent);
    if (sent.args[0] == "WAIT") {
      for (auto id : batches_[sent.tag]) held_.erase(id);
    }
    if (sent.args[0] == "WAIT" && !replies.empty()) {
      const bool enough =
          replies[0].type == Reply::Type::integer && replies[0].integer >= options_.wait_replicas;
      if (short_ && enough) ++recoveries_;
      short_ = !enough;
    }
    for (auto& r : replies) {
      progress_ = now_;
      apply(state_.reply(link, sent.tag, std::move(r), now_));
    }
    // What the link reports is what the last WAIT said.
    if (sent.args[0] == "WAIT" && !replies.empty()) EXPECT_EQ(reported_short_, short_);
    return true;
  }
  void publish() {
    if (!link_ || !subscribed_) return;
    progress_ = now_;
    apply(state_.reply(*link_, push_tag_,
                       array({text("message"), text("changes:a"), text("payload")}), now_));
  }
  // The link dies: hiredis forgets the context at once, the loss is reported later.
  void kill_link() {
    if (!link_) return;
    const auto link = *link_;
    link_.reset();
    wire_.clear();
    since_wait_.clear();
    subscribed_ = false;
    later_.push_back([this, link] { apply(state_.lost(link, true, "Connection reset by peer")); });
  }
  bool deliver_later() {
    if (later_.empty()) return false;
    const auto i = pick(later_.size());
    auto event = std::move(later_[i]);
    later_.erase(later_.begin() + static_cast<long>(i));
    event();
    return true;
  }
  // Time passes up to the next timer, which fires.
  bool fire_next_timer() {
    if (timers_.empty()) return false;
    auto next = timers_.begin();
    for (auto it = timers_.begin(); it != timers_.end(); ++it) {
      if (it->second.second < next->second.second) next = it;
    }
    const auto [timer, armed] = *next;
    timers_.erase(next);
    now_ = std::max(now_, armed.second);
    // Short, idle and no WAIT on the wire: this health tick must probe (unless it kills the link).
    const bool must_probe =
        timer == LS::Timer::health && link_ && ready_ && short_ && since_wait_.empty() &&
        std::none_of(wire_.begin(), wire_.end(), [](const Sent& s) { return s.args[0] == "WAIT"; });
    const auto probes = probes_;
    apply(state_.timer_fired(timer, armed.first, now_));
    if (must_probe && ready_) {
      EXPECT_EQ(probes_, probes + 1) << "short and idle, yet no probe";
      ++liveness_checks_;
    }
    return true;
  }
  int liveness_checks_ = 0;  // health ticks that had to send a probe, and did

  void advance(std::chrono::milliseconds d) { now_ += d; }
  // Fires every timer due by now.
  void fire_due() {
    while (true) {
      auto due = std::find_if(timers_.begin(), timers_.end(),
                              [&](const auto& t) { return t.second.second <= now_; });
      if (due == timers_.end()) return;
      const auto [timer, armed] = *due;
      timers_.erase(due);
      apply(state_.timer_fired(timer, armed.first, now_));
    }
  }
  // Events a real driver may still report after the fact: they must change nothing.
  void stale_events() {
    const auto old_link = link_.value_or(1) > 1 ? pick(*link_) : 0;
    apply(state_.reply(old_link, rng_(), status("OK"), now_));
    apply(state_.lost(old_link, true, "late"));
    apply(state_.timer_fired(static_cast<LS::Timer>(pick(3)), 0, now_));
  }
  void subscribe(const std::string& channel) { apply(state_.subscribe(channel)); }
  void unsubscribe(const std::string& channel) { apply(state_.unsubscribe(channel)); }

  // One random step.
  void step() {
    switch (pick(16)) {
      case 0:
      case 1:
        exec(false, chance(4));
        break;
      case 2:
        exec(chance(10));  // empty: a protocol error, never sent
        break;
      case 3:
      case 4:
      case 5:
      case 6:
        answer();
        break;
      case 7:
        resolve(!chance(10));
        break;
      case 8:
        answer_sentinel(!chance(15));
        break;
      case 9:
        fire_next_timer();
        break;
      case 10:
        advance(std::chrono::milliseconds(pick(60)));
        break;
      case 11:
        if (flushes_ > 0) flush();
        break;
      case 12:
        deliver_later();
        break;
      case 13:
        if (chance(8)) kill_link();
        break;
      case 14:
        if (chance(4)) stale_events();
        break;
      case 15:
        if (state_.subscriber()) {
          if (chance(2))
            publish();
          else if (chance(3))
            subscribe("changes:" + std::to_string(pick(4)));
          else if (chance(3))
            unsubscribe("changes:" + std::to_string(pick(4)));
        }
        break;
    }
  }

  // Every command ever given got exactly one completion.
  void check_all_completed() {
    for (auto id : issued_) EXPECT_EQ(completed_[id], 1) << "command " << id;
  }

  bool chance(int one_in) { return pick(static_cast<std::uint64_t>(one_in)) == 0; }
  std::uint64_t pick(std::uint64_t n) { return n == 0 ? 0 : rng_() % n; }

  rr::LinkOptions options_;
  LS state_;
  std::mt19937_64 rng_;
  Clock::time_point now_ = Clock::time_point{} + 1h;

  std::optional<LS::LinkId> link_;  // the hiredis context, while it lives
  std::deque<Sent> wire_;
  std::optional<LS::LinkId> resolving_;
  std::vector<std::string> resolved_hosts_;  // every host:port looked up, in turn
  std::optional<LS::LinkId> asking_;
  std::map<LS::Timer, std::pair<std::uint64_t, Clock::time_point>> timers_;
  std::vector<std::function<void()>> later_;
  rr::ActionQueue queue_;
  int flushes_ = 0;
  bool faults_ = false;  // Redis and hiredis misbehave now and then
  bool subscribed_ = false;
  LS::Tag push_tag_ = 0;

  // What the checks follow.
  bool stopped_ = false;
  bool ready_ = false;
  LS::CommandId commands_ = 0;
  std::set<LS::CommandId> issued_;
  std::map<LS::CommandId, int> completed_;
  std::map<LS::CommandId, boost::system::error_code> expected_;
  std::vector<LS::CommandId> since_wait_;
  std::map<LS::Tag, std::vector<LS::CommandId>> batches_;
  std::set<LS::CommandId> errored_;  // answered with an error reply
  std::chrono::milliseconds expected_backoff_;
  std::vector<std::chrono::milliseconds> retries_;
  Clock::time_point progress_{};
  std::string last_error_;
  std::vector<std::string> causes_;
  int opens_ = 0, readies_ = 0, losses_ = 0, health_deaths_ = 0, pings_ = 0, messages_ = 0;
  int succeeded_ = 0;
  std::map<int, int> failed_;
  int readonly_replies_ = 0;
  int reads_answered_ = 0;
  // Replicas short: what the last WAIT said (as the link must believe it), the writes issued
  // meanwhile, the probes sent and the times a WAIT found the replicas back.
  bool short_ = false;
  std::set<LS::CommandId> unreplicated_;
  std::set<LS::CommandId> held_;  // batched writes whose WAIT is not answered yet
  int short_writes_ = 0, probes_ = 0, recoveries_ = 0;
  bool reported_short_ = false;  // as the Replicas actions say
  int replicas_reports_ = 0;

 private:
  // How Redis answers each command (mostly well, sometimes not).
  std::vector<Reply> replies_for(const Sent& sent) {
    const std::string& name = sent.args[0];
    if (name == "PING") return {status("PONG")};
    if (name == "AUTH")
      return {faults_ && chance(20) ? error_reply("WRONGPASS invalid password") : status("OK")};
    if (name == "ROLE")
      return {array({text(faults_ && chance(10) ? "slave" : "master"), integer(0)})};
    if (name == "WAIT") {
      const auto acked =
          static_cast<long long>(pick(static_cast<std::uint64_t>(options_.wait_replicas) + 1));
      // Commands of the batch answered with a value: replicated only if enough replicas acked.
      for (auto id : batches_[sent.tag]) {
        if (completed_.count(id)) continue;
        // An error reply is delivered as it is: nothing was written, nothing to replicate.
        expected_[id] = errored_.count(id) || acked >= options_.wait_replicas
                            ? boost::system::error_code{}
                            : rr::error::not_replicated;
      }
      return {integer(acked)};
    }
    if (name == "SUBSCRIBE") {
      subscribed_ = true;
      std::vector<Reply> acks;
      for (std::size_t i = 1; i < sent.args.size(); ++i) {
        acks.push_back(
            array({text("subscribe"), text(sent.args[i]), integer(static_cast<long long>(i))}));
      }
      return acks;
    }
    if (name == "UNSUBSCRIBE")
      return {array({text("unsubscribe"), text(sent.args[1]), integer(0)})};
    if (name == "GET") {
      // A read is delivered with its reply, whatever the next WAIT says: nothing to replicate.
      const auto id = std::stoull(sent.args[1]);
      ++reads_answered_;
      expected_[id] = {};
      if (faults_ && chance(15)) return {error_reply("ERR wrong kind")};
      return {text(sent.args[1])};
    }
    if (name == "INCR") {
      const auto id = std::stoull(sent.args[1]);
      if (faults_ && options_.url.sentinel() && chance(20)) {
        ++readonly_replies_;
        expected_[id] = rr::error::unavailable;
        errored_.insert(id);
        return {error_reply("READONLY You can't write against a read only replica.")};
      }
      // Sent while the replicas were short: not_replicated as soon as it is answered, unless
      // the reply is an error (nothing written).
      const bool unreplicated = unreplicated_.count(id) != 0;
      if (faults_ && chance(15)) {
        errored_.insert(id);
        if (unreplicated) expected_[id] = {};
        return {error_reply("ERR wrong kind")};
      }
      if (unreplicated) expected_[id] = rr::error::not_replicated;
      return {text(sent.args[1])};
    }
    return {status("OK")};
  }
};

// --- generated interleavings --------------------------------------------------------------------

struct Mode {
  const char* name;
  std::function<rr::LinkOptions()> options;
  bool subscriber = false;
};

void run_random(const Mode& mode, int runs, int steps) {
  int readies = 0, losses = 0, health_deaths = 0, succeeded = 0, not_replicated = 0, readonly = 0;
  int reads = 0, short_writes = 0, probes = 0, recoveries = 0, liveness = 0, reports = 0;
  for (int run = 0; run < runs; ++run) {
    SCOPED_TRACE(std::string(mode.name) + " seed " + std::to_string(run));
    World world(mode.options(), static_cast<std::uint64_t>(run) * 7919 + 17);
    world.faults_ = true;
    if (mode.subscriber) {
      world.apply(world.state_.enter_subscriber_mode());
      world.subscribe("changes:a");
    }
    world.start();
    const int stop_at = world.chance(3) ? static_cast<int>(world.pick(steps)) : steps;
    for (int i = 0; i < steps; ++i) {
      if (i == stop_at) world.stop();
      world.step();
      if (::testing::Test::HasFailure()) return;
    }
    if (!world.stopped_) world.stop();
    for (int i = 0; i < 20; ++i) world.step();  // nothing may happen now but refusals
    world.check_all_completed();
    if (::testing::Test::HasFailure()) return;
    readies += world.readies_;
    losses += world.losses_;
    health_deaths += world.health_deaths_;
    succeeded += world.succeeded_;
    not_replicated += world.failed_[static_cast<int>(rr::error::not_replicated)];
    readonly += world.readonly_replies_;
    reads += world.reads_answered_;
    short_writes += world.short_writes_;
    probes += world.probes_;
    recoveries += world.recoveries_;
    liveness += world.liveness_checks_;
    reports += world.replicas_reports_;
  }
  // The generator really reached the interesting places.
  EXPECT_GT(readies, runs / 2);
  EXPECT_GT(losses, 0);
  if (!mode.subscriber) {
    EXPECT_GT(succeeded, runs);
  }
  if (mode.options().wait_replicas > 0) {
    EXPECT_GT(not_replicated, 0);
    EXPECT_GT(reads, 0);
    EXPECT_GT(short_writes, runs / 10);
    EXPECT_GT(probes, runs / 10);
    EXPECT_GT(recoveries, runs / 10);
    EXPECT_GT(liveness, runs / 10);
    EXPECT_GT(reports, runs);
  } else {
    EXPECT_EQ(probes, 0);
    EXPECT_EQ(reports, 0);
  }
  if (mode.options().url.sentinel() && !mode.subscriber) {
    EXPECT_GT(readonly, 0);
  }
  std::cout << "[   info   ] " << mode.name << ": " << runs << " runs, " << readies << " readies, "
            << losses << " losses (" << health_deaths << " by the health check), " << succeeded
            << " commands answered\n";
}

TEST(LinkStateRandom, PlainLink) {
  run_random({"plain", base_options}, 1500, 300);
}

TEST(LinkStateRandom, PasswordDatabaseAndSetup) {
  run_random(
      {"setup",
       [] {
         auto options = base_options();
         options.url.password = "s3cret";
         options.url.db = 2;
         options.setup = {{"FUNCTION", "LOAD", "REPLACE", "code"}, {"CLIENT", "SETNAME", "x"}};
         return options;
       }},
      1000, 300);
}

TEST(LinkStateRandom, SentinelWithReadonlyFailovers) {
  run_random({"sentinel", sentinel_options}, 1000, 300);
}

TEST(LinkStateRandom, WaitForReplicas) {
  run_random({"wait",
              [] {
                auto options = base_options();
                options.wait_replicas = 2;
                return options;
              }},
             1000, 300);
}

TEST(LinkStateRandom, Subscriber) {
  run_random({"subscriber", base_options, true}, 1000, 300);
}

TEST(LinkStateRandom, SentinelSubscriber) {
  run_random({"sentinel subscriber", sentinel_options, true}, 500, 300);
}

// --- targeted cases ------------------------------------------------------------------------------

// Brings a plain world to ready: resolve, open, answer the setup.
void make_ready(World& world) {
  world.start();
  ASSERT_TRUE(world.resolve());
  ASSERT_TRUE(world.link_);
  while (!world.ready_ && world.answer()) {
  }
  ASSERT_TRUE(world.ready_) << world.last_error_;
}

TEST(LinkState, BackoffGrowsCapsAndResetsOnceReady) {
  World world(base_options());
  world.start();
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(world.resolve(false));
    EXPECT_NE(world.last_error_.find("cannot resolve redis.test:6379: NXDOMAIN"), std::string::npos)
        << world.last_error_;
    ASSERT_TRUE(world.fire_next_timer());  // the retry
  }
  EXPECT_EQ(world.retries_,
            (std::vector<std::chrono::milliseconds>{10ms, 20ms, 40ms, 80ms, 80ms, 80ms}));
  ASSERT_TRUE(world.resolve());
  while (!world.ready_ && world.answer()) {
  }
  ASSERT_TRUE(world.ready_);
  world.kill_link();
  world.deliver_later();
  EXPECT_EQ(world.retries_.back(), 10ms) << "not reset by the ready link";
  EXPECT_EQ(world.last_error_, "connection to redis.test:6379 lost: Connection reset by peer");
  ASSERT_EQ(world.causes_.size(), 1u);
  EXPECT_EQ(world.causes_[0], world.last_error_) << "the loss is notified with its cause";
}

TEST(LinkState, AClusterLinkTriesItsNodesInTurn) {
  auto options = base_options();
  options.url.nodes = {{"n1.test", 7001}, {"n2.test", 7002}, {"n3.test", 7003}};
  World world(options);
  world.start();
  ASSERT_TRUE(world.resolve(false));  // n1 is gone
  ASSERT_TRUE(world.fire_next_timer());
  ASSERT_TRUE(world.resolve(false));
  ASSERT_TRUE(world.fire_next_timer());
  ASSERT_TRUE(world.resolve());  // n3 answers
  while (!world.ready_ && world.answer()) {
  }
  ASSERT_TRUE(world.ready_) << world.last_error_;
  world.kill_link();  // ...then dies: the next attempt is n1's again
  world.deliver_later();
  ASSERT_TRUE(world.fire_next_timer());
  EXPECT_EQ(world.resolved_hosts_, (std::vector<std::string>{"n1.test:7001", "n2.test:7002",
                                                             "n3.test:7003", "n1.test:7001"}));
}

TEST(LinkState, EmptyOrUnfinishedCommandsFailAsProtocolErrorsAndAreNeverSent) {
  World world(base_options());
  world.start();
  ASSERT_TRUE(world.resolve());
  while (!world.ready_ && world.answer()) {
  }
  ASSERT_TRUE(world.ready_);
  const auto sent_before = world.wire_.size();
  // Announced 1..4 arguments, given fewer: Redis would wait for the rest of the bytes.
  for (std::size_t announced = 1; announced < 5; ++announced) {
    auto command = rr::Command::of(announced).arg("ECHO");
    if (announced == 1) command = rr::Command();
    const auto id = ++world.commands_;
    world.issued_.insert(id);
    world.expected_[id] = rr::error::protocol;
    world.apply(world.state_.exec(id, command, world.now_));
  }
  EXPECT_EQ(world.wire_.size(), sent_before);
  EXPECT_EQ(world.failed_[static_cast<int>(rr::error::protocol)], 4);
  world.check_all_completed();
}

TEST(LinkState, BusyLinkThatKeepsAnsweringStaysAlive) {
  World world(base_options());  // PING every 100 ms, dead after 300 ms of silence
  make_ready(world);
  // A deep pipeline: 200 commands, answered one every 50 ms (10 s in all, far past the timeout).
  for (int i = 0; i < 200; ++i) world.exec();
  int answered = 0;
  while (answered < 200) {
    world.advance(50ms);
    world.fire_due();
    // The health PINGs queue behind the commands; answer whatever is first.
    if (world.wire_.front().args[0] == "INCR") ++answered;
    ASSERT_TRUE(world.answer());
  }
  EXPECT_EQ(world.losses_, 0) << world.last_error_;
  EXPECT_EQ(world.succeeded_, 200);
  EXPECT_GT(world.pings_, 0);
}

TEST(LinkState, SilentLinkIsDeclaredDeadOnlyAfterTheTimeout) {
  for (auto timeout : {300ms, 450ms, 1000ms}) {
    auto options = base_options();
    options.health_timeout = timeout;
    World world(options);
    make_ready(world);
    const auto in_flight = world.exec();
    const auto ready_at = world.now_;
    while (world.losses_ == 0) ASSERT_TRUE(world.fire_next_timer());
    EXPECT_GE(world.now_ - ready_at, timeout);
    EXPECT_LE(world.now_ - ready_at, timeout + options.health_interval);
    EXPECT_TRUE(world.last_error_.starts_with("health check: no reply from redis.test:6379"))
        << world.last_error_;
    EXPECT_EQ(world.completed_[in_flight], 1);
    EXPECT_EQ(world.failed_[static_cast<int>(rr::error::unavailable)], 1);
  }
}

TEST(LinkState, IdleLinkPingsAndStaysUp) {
  World world(base_options());
  make_ready(world);
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(world.fire_next_timer());
    world.answer();  // the PING
  }
  EXPECT_EQ(world.losses_, 0) << world.last_error_;
  EXPECT_GE(world.pings_, 25);
}

TEST(LinkState, WaitBatchesShareOneWaitAndFailAsNotReplicated) {
  for (long long acked : {0, 1, 2}) {
    auto options = base_options();
    options.wait_replicas = 2;
    World world(options);
    make_ready(world);
    std::vector<LS::CommandId> ids;
    for (int i = 0; i < 5; ++i) ids.push_back(world.exec());
    ASSERT_EQ(world.flushes_, 1) << "one flush posted for the burst";
    world.flush();
    ASSERT_EQ(world.wire_.size(), 6u);
    EXPECT_EQ(world.wire_.back().args, (std::vector<std::string>{"WAIT", "2", "50"}));
    // The third command's reply is an error: delivered as it is whatever WAIT says.
    for (int i = 0; i < 5; ++i) {
      world.answer([&](const Sent&) -> std::optional<Reply> {
        return i == 2 ? std::optional(error_reply("ERR wrong kind")) : std::nullopt;
      });
    }
    EXPECT_EQ(world.succeeded_ + static_cast<int>(world.failed_.size()), 0) << "held until WAIT";
    world.answer([&](const Sent&) { return std::optional(integer(acked)); });
    for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(world.completed_[ids[i]], 1);
    if (acked >= 2) {
      EXPECT_EQ(world.succeeded_, 5);
    } else {
      EXPECT_EQ(world.failed_[static_cast<int>(rr::error::not_replicated)], 4);
      EXPECT_EQ(world.succeeded_, 1);  // the error reply
    }
    EXPECT_EQ(world.losses_, 0);
  }
}

TEST(LinkState, ReadsAreAnsweredAtOnceAndOnlyWritesWaitForReplicas) {
  auto options = base_options();
  options.wait_replicas = 1;
  World world(options);
  make_ready(world);
  const auto write = world.exec();
  const auto read = world.exec(false, true);
  const auto second_write = world.exec();
  world.flush();
  ASSERT_EQ(world.wire_.size(), 4u);
  EXPECT_EQ(world.wire_.back().args[0], "WAIT");
  world.answer();  // the write: held for the WAIT
  world.answer();  // the read: delivered now
  EXPECT_EQ(world.completed_[read], 1);
  EXPECT_EQ(world.completed_[write], 0);
  world.answer();
  world.answer([&](const Sent&) { return std::optional(integer(0)); });  // no replica has them
  EXPECT_EQ(world.failed_[static_cast<int>(rr::error::not_replicated)], 2);
  EXPECT_EQ(world.completed_[write], 1);
  EXPECT_EQ(world.completed_[second_write], 1);
  EXPECT_EQ(world.succeeded_, 1) << "the read";

  // Reads alone: no WAIT at all.
  const auto flushes = world.flushes_;
  world.exec(false, true);
  EXPECT_EQ(world.flushes_, flushes);
}

TEST(LinkState, WhileReplicasAreShortWritesSkipWaitAndALoneWaitProbesForThem) {
  auto options = base_options();
  options.wait_replicas = 1;
  options.wait_timeout = 2s;  // the probe still holds the link for 100 ms at most
  World world(options);
  make_ready(world);
  const auto not_replicated = [&] {
    return world.failed_[static_cast<int>(rr::error::not_replicated)];
  };
  world.exec();
  world.flush();
  world.answer();
  world.answer([&](const Sent&) { return std::optional(integer(0)); });  // the replica is away
  ASSERT_EQ(not_replicated(), 1);
  EXPECT_TRUE(world.reported_short_) << "reported, for the log and the metrics";

  // Short: writes go without a WAIT, each failed as soon as it is answered; an error reply
  // (nothing written) and reads are delivered as they are.
  const auto flushes = world.flushes_;
  const auto write = world.exec();
  const auto failing = world.exec();
  const auto read = world.exec(false, true);
  EXPECT_EQ(world.flushes_, flushes) << "no batch while the replicas are short";
  ASSERT_EQ(world.wire_.size(), 3u);
  world.answer();
  EXPECT_EQ(world.completed_[write], 1);
  EXPECT_EQ(not_replicated(), 2);
  world.answer([&](const Sent&) { return std::optional(error_reply("ERR wrong kind")); });
  EXPECT_EQ(world.completed_[failing], 1);
  world.answer();
  EXPECT_EQ(world.completed_[read], 1);
  EXPECT_EQ(not_replicated(), 2);
  EXPECT_EQ(world.succeeded_, 2) << "the error reply and the read";

  // The health tick sends its PING and a probe; a probe that finds no replica changes nothing.
  ASSERT_TRUE(world.fire_next_timer());
  ASSERT_EQ(world.wire_.size(), 2u);
  EXPECT_EQ(world.wire_.back().args, (std::vector<std::string>{"WAIT", "1", "100"}));
  world.answer();
  world.answer([&](const Sent&) { return std::optional(integer(0)); });
  world.exec();
  world.answer();
  EXPECT_EQ(not_replicated(), 3);
  // One probe at a time: none while one is under way.
  ASSERT_TRUE(world.fire_next_timer());
  ASSERT_EQ(world.wire_.size(), 2u);
  ASSERT_TRUE(world.fire_next_timer());
  EXPECT_EQ(std::count_if(world.wire_.begin(), world.wire_.end(),
                          [](const Sent& sent) { return sent.args[0] == "WAIT"; }),
            1);
  while (world.answer([&](const Sent& sent) {
    return sent.args[0] == "WAIT" ? std::optional(integer(1)) : std::nullopt;
  })) {
  }

  // The replica is back: writes wait for their batch's WAIT again, and succeed.
  EXPECT_FALSE(world.reported_short_);
  EXPECT_EQ(world.replicas_reports_, 2);
  const auto back = world.exec();
  EXPECT_EQ(world.flushes_, flushes + 1);
  world.flush();
  world.answer();
  EXPECT_EQ(world.completed_[back], 0) << "held for its WAIT";
  EXPECT_EQ(world.wire_.front().args, (std::vector<std::string>{"WAIT", "1", "2000"}));
  world.answer([&](const Sent&) { return std::optional(integer(1)); });
  EXPECT_EQ(world.completed_[back], 1);
  EXPECT_EQ(world.succeeded_, 3);
  EXPECT_EQ(not_replicated(), 3);

  // A link lost while short comes back trusting its replicas: its first write waits again.
  world.exec();
  world.flush();
  world.answer();
  world.answer([&](const Sent&) { return std::optional(integer(0)); });
  world.kill_link();
  world.deliver_later();
  ASSERT_TRUE(world.fire_next_timer());  // the retry
  ASSERT_TRUE(world.resolve());
  while (!world.ready_ && world.answer()) {
  }
  ASSERT_TRUE(world.ready_);
  const auto flushes_before = world.flushes_;
  const auto after = world.exec();
  EXPECT_EQ(world.flushes_, flushes_before + 1);
  world.flush();
  world.answer();
  world.answer([&](const Sent&) { return std::optional(integer(1)); });
  EXPECT_EQ(world.completed_[after], 1);
  EXPECT_EQ(world.succeeded_, 4);
  EXPECT_EQ(world.losses_, 1);
  world.check_all_completed();
}

TEST(LinkState, ReplicasSlowerThanTheShortProbeAreFoundByEveryFifthProbe) {
  auto options = base_options();
  options.wait_replicas = 1;
  options.wait_timeout = 2s;
  World world(options);
  make_ready(world);
  world.exec();
  world.flush();
  world.answer();
  world.answer([&](const Sent&) { return std::optional(integer(0)); });
  // The replica acknowledges, but later than 100 ms: only a probe waiting 2 s sees it.
  std::vector<std::string> timeouts;
  for (int tick = 0; tick < LS::long_probe_every; ++tick) {
    ASSERT_TRUE(world.fire_next_timer());
    while (world.answer([&](const Sent& sent) -> std::optional<Reply> {
      if (sent.args[0] != "WAIT") return std::nullopt;
      timeouts.push_back(sent.args[2]);
      return integer(sent.args[2] == "2000" ? 1 : 0);
    })) {
    }
  }
  EXPECT_EQ(timeouts, (std::vector<std::string>{"100", "100", "100", "100", "2000"}));
  const auto flushes = world.flushes_;
  world.exec();
  EXPECT_EQ(world.flushes_, flushes + 1) << "writes wait for their WAIT again";
  EXPECT_EQ(world.losses_, 0) << world.last_error_;
}

TEST(LinkState, WaitLostWithTheLinkFailsTheBatchAsUnavailable) {
  auto options = base_options();
  options.wait_replicas = 1;
  World world(options);
  make_ready(world);
  for (int i = 0; i < 3; ++i) world.exec();
  world.flush();
  world.answer();  // one command answered, held for the WAIT
  world.kill_link();
  world.deliver_later();
  world.check_all_completed();
  EXPECT_EQ(world.failed_[static_cast<int>(rr::error::unavailable)], 3);
}

TEST(LinkState, ReadonlyReplyFailsTheCommandAndReconnectsThroughTheSentinels) {
  World world(sentinel_options());
  world.start();
  ASSERT_TRUE(world.asking_);
  ASSERT_TRUE(world.answer_sentinel());
  ASSERT_TRUE(world.resolve());
  while (!world.ready_ && world.answer()) {
  }
  ASSERT_TRUE(world.ready_) << world.last_error_;
  const auto refused = world.exec();
  const auto behind = world.exec();
  world.answer([](const Sent&) { return std::optional(error_reply("READONLY no writes")); });
  EXPECT_EQ(world.completed_[refused], 1);
  EXPECT_EQ(world.completed_[behind], 1) << "its link is gone";
  EXPECT_EQ(world.failed_[static_cast<int>(rr::error::unavailable)], 2);
  EXPECT_FALSE(world.link_) << "the demoted primary's link is closed";
  EXPECT_EQ(world.last_error_, "10.0.0.2:6380 is no longer the primary (READONLY)");
  ASSERT_TRUE(world.fire_next_timer());
  EXPECT_TRUE(world.asking_) << "the sentinels are asked again";
}

TEST(LinkState, ReplicaFoundThroughAStaleSentinelIsRefusedByRole) {
  World world(sentinel_options());
  world.start();
  ASSERT_TRUE(world.answer_sentinel());
  ASSERT_TRUE(world.resolve());
  world.answer([](const Sent& sent) {
    EXPECT_EQ(sent.args[0], "ROLE");
    return std::optional(array({text("slave"), text("10.0.0.9")}));
  });
  EXPECT_FALSE(world.ready_);
  EXPECT_EQ(world.last_error_,
            "10.0.0.2:6380 is not the primary (ROLE: slave); the sentinels' answer is stale");
  EXPECT_FALSE(world.link_);
}

TEST(LinkState, NoSentinelAnswerRetries) {
  World world(sentinel_options());
  world.start();
  ASSERT_TRUE(world.answer_sentinel(false));
  EXPECT_EQ(world.last_error_, "no sentinel told the primary of rolltest: s1.test:26379: refused");
  ASSERT_TRUE(world.fire_next_timer());
  EXPECT_TRUE(world.asking_);
}

TEST(LinkState, SetupErrorNeverReadyNeverShowsThePassword) {
  auto options = base_options();
  options.url.password = "s3cret";
  World world(options);
  world.start();
  ASSERT_TRUE(world.resolve());
  ASSERT_EQ(world.wire_.front().args[0], "AUTH");
  world.answer([](const Sent&) { return std::optional(error_reply("WRONGPASS invalid")); });
  EXPECT_EQ(world.last_error_, "setup command AUTH failed: WRONGPASS invalid");
  EXPECT_FALSE(world.ready_);
  EXPECT_FALSE(world.link_);
  EXPECT_EQ(world.exec(), 1u);
  EXPECT_EQ(world.failed_[static_cast<int>(rr::error::unavailable)], 1);
}

TEST(LinkState, ConnectTimeoutCoversResolveConnectAndSetup) {
  World world(base_options());
  world.start();
  ASSERT_TRUE(world.resolve());
  ASSERT_TRUE(world.link_);
  ASSERT_TRUE(world.fire_next_timer());  // nobody answers the setup PING
  EXPECT_EQ(world.last_error_, "connect to redis.test:6379 timed out after 200 ms");
  EXPECT_FALSE(world.link_);
  EXPECT_EQ(world.now_ - (Clock::time_point{} + 1h), 200ms);
}

TEST(LinkState, StaleEventsChangeNothing) {
  World world(base_options());
  make_ready(world);
  const auto first_link = *world.link_;
  world.kill_link();
  world.deliver_later();  // lost: backoff
  ASSERT_TRUE(world.fire_next_timer());
  ASSERT_TRUE(world.resolve());
  while (!world.ready_ && world.answer()) {
  }
  ASSERT_TRUE(world.ready_);
  // Everything the first link might still report.
  for (LS::Tag tag = 0; tag < 8; ++tag) {
    EXPECT_TRUE(world.state_.reply(first_link, tag << 56, status("OK"), world.now_).empty());
  }
  EXPECT_TRUE(world.state_.lost(first_link, true, "late").empty());
  EXPECT_TRUE(world.state_.resolved(first_link, "10.0.0.1", "").empty());
  EXPECT_TRUE(world.state_.opened(first_link).empty());
  EXPECT_TRUE(world.state_.timer_fired(LS::Timer::retry, 1, world.now_).empty());
  EXPECT_TRUE(world.ready_);
}

TEST(LinkState, StopCompletesEverythingAndThenNothingHappens) {
  World world(base_options());
  make_ready(world);
  for (int i = 0; i < 10; ++i) world.exec();
  world.stop();
  world.check_all_completed();
  EXPECT_FALSE(world.link_);
  EXPECT_TRUE(world.timers_.empty());
  EXPECT_EQ(world.losses_, 0) << "stop is not a loss to report";
  const auto late = world.exec();
  EXPECT_EQ(world.completed_[late], 1);
  EXPECT_TRUE(world.state_.start().empty());
  EXPECT_TRUE(world.state_.subscribe("x").empty());
}

TEST(LinkState, SubscriberIsReadyOnlyOnceTheHealthChannelIsConfirmed) {
  World world(base_options());
  world.subscribe("changes:b");
  world.subscribe("changes:a");
  world.start();
  ASSERT_TRUE(world.resolve());
  ASSERT_EQ(world.wire_.size(), 1u);
  EXPECT_EQ(world.wire_.front().args,
            (std::vector<std::string>{"SUBSCRIBE", "changes:a", "changes:b", LS::health_channel}));
  world.answer();
  EXPECT_TRUE(world.ready_);
  const auto id = world.exec();
  EXPECT_EQ(world.completed_[id], 1);
  EXPECT_EQ(world.failed_[static_cast<int>(rr::error::subscriber_mode)], 1);
  world.publish();
  EXPECT_EQ(world.messages_, 1);
  // Health: a SUBSCRIBE of the health channel, answered, keeps it up.
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(world.fire_next_timer());
    world.answer();
  }
  EXPECT_EQ(world.losses_, 0) << world.last_error_;
}

TEST(LinkState, CommandLinkReopensInSubscriberMode) {
  World world(base_options());
  make_ready(world);
  const auto in_flight = world.exec();
  world.subscribe("changes:a");
  EXPECT_EQ(world.completed_[in_flight], 1);
  EXPECT_FALSE(world.ready_);
  ASSERT_EQ(world.causes_.size(), 1u);
  EXPECT_EQ(world.causes_[0], "reopening in subscriber mode");
  ASSERT_TRUE(world.resolve());
  EXPECT_EQ(world.wire_.front().args[0], "SUBSCRIBE");
}

}  // namespace
}  // namespace rollcall::tests::redis
