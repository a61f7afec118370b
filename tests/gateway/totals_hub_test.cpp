// gateway/totals_hub.cpp, its commands side: read_counters and TotalsHub::totals() against the
// real Functions library after real scans, and every reply of the totals function that cannot
// be read answered "unavailable" (nullopt) — counted, logged, never shown as zeros.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gateway/metrics.h"
#include "gateway/totals_hub.h"
#include "redis/error.h"
#include "services/store/function_library.h"
#include "services/store/keys.h"
#include "tests/gateway/unit_fixtures.h"
#include "tests/support/log_capture.h"
#include "tests/support/scripted_commands.h"

namespace rollcall::tests::gateway {
namespace {

using redis::Reply;
using rollcall::gateway::Metrics;
using rollcall::gateway::read_counters;
using rollcall::gateway::TotalsHub;
using support::ScriptedCommands;
namespace store = services::store;
using TotalsHubLive = LiveTest;
using TotalsHubScripted = ScriptedTest;

// Event "ev" with badges B1..B4 (B4 from FR, the others from CH).
void seed_event(LiveRedis& redis) {
  redis.command({"HSET", store::event_key("ev"), "days", "", "zones", ""});
  for (const std::string badge : {"B1", "B2", "B3", "B4"}) {
    redis.command({"HSET", store::badge_key("ev", badge), "country", badge == "B4" ? "FR" : "CH",
                   "category", "minister", "name", "N", "organization", "O", "revoked", "0"});
  }
}

// Scan number `n` of `badge` at desk1, as a desk's scan reaches the Functions.
void scan(LiveRedis& redis, int n, const std::string& badge, const std::string& direction = "in") {
  redis.command({"FCALL", std::string(store::kScanFunction), "1", store::tag("ev"),
                 "s" + std::to_string(n), badge, "desk1", "hall", direction, "1000", "2000",
                 "2025-07-07", "2025-07-07T09:00", "0"});
}

TEST_F(TotalsHubLive, ReadsWhatTheScansCounted) {
  Metrics metrics;
  auto empty = redis_.io().run(read_counters(*redis_.connection(), metrics, "ev"));
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->first, 0u);
  EXPECT_TRUE(empty->second.empty());

  seed_event(redis_);
  int n = 0;
  for (const auto& badge : {"B1", "B2", "B3", "B4", "B1", "B9"}) scan(redis_, ++n, badge);
  const auto read = redis_.io().run(read_counters(*redis_.connection(), metrics, "ev"));
  ASSERT_TRUE(read);
  EXPECT_EQ(std::to_string(read->first), redis_.command({"GET", store::tag("ev") + ":seq"}));
  // Exactly the counters hash, field by field.
  std::map<std::string, long long> got(read->second.begin(), read->second.end());
  std::map<std::string, long long> stored;
  const auto flat = redis_.command({"HGETALL", store::counters_key("ev")});
  std::istringstream lines(flat);
  for (std::string field, value; std::getline(lines, field) && std::getline(lines, value);) {
    stored[field] = std::stoll(value);
  }
  EXPECT_EQ(got, stored);
  EXPECT_EQ(got["onsite"], 4);
  EXPECT_EQ(got["onsite:country:FR"], 1);

  // The HTTP API's totals of an event no display follows: read from Redis the same way.
  auto subscriber = redis::Connection::create(redis_.io().executor(), {});
  auto hub =
      std::make_shared<TotalsHub>(redis_.io().executor(), redis_.connection(), subscriber,
                                  std::chrono::milliseconds(100), std::make_shared<Metrics>());
  const auto totals = redis_.io().run(hub->totals("ev"));
  ASSERT_TRUE(totals);
  EXPECT_EQ(totals->onsite(), 4);
  EXPECT_EQ(totals->onsite_by_country().at("CH"), 3);
  EXPECT_EQ(totals->seq(), read->first);
  EXPECT_EQ(redis_failures(metrics, "totals"), 0u);
}

// A hub following the test's Redis (ticks of 20 ms), its subscriber started; both stopped with
// the object.
struct LiveHub {
  explicit LiveHub(LiveRedis& redis)
      : subscriber(redis::Connection::create(
            redis.io().executor(), {.url = *redis::Url::parse(redis.server().url(), nullptr)})),
        hub(std::make_shared<TotalsHub>(redis.io().executor(), redis.connection(), subscriber,
                                        std::chrono::milliseconds(20),
                                        std::make_shared<Metrics>())) {
    subscriber->start();
    hub->start();
  }
  ~LiveHub() {
    hub->stop();
    subscriber->stop();
  }
  std::shared_ptr<redis::Connection> subscriber;
  std::shared_ptr<TotalsHub> hub;
};

// A display as the hub sees it, living on `lane`: counts what it is handed, and notes any call
// made off the lane's thread.
class CountingSink : public rollcall::gateway::DisplaySink {
 public:
  explicit CountingSink(boost::asio::io_context& lane) : lane_(lane) {}
  boost::asio::any_io_executor executor() const override { return lane_.get_executor(); }
  void on_update(const std::shared_ptr<const rollcall::gateway::SharedFrames>& update) override {
    note();
    ++updates;
    seq = update->seq;
  }
  void on_resync() override {
    note();
    ++resyncs;
  }
  void on_sweep(std::chrono::steady_clock::time_point) override {
    note();
    ++sweeps;
  }
  std::size_t calls() const { return updates + resyncs + sweeps; }

  std::atomic<std::size_t> updates{0};
  std::atomic<std::size_t> resyncs{0};
  std::atomic<std::size_t> sweeps{0};
  std::atomic<std::uint64_t> seq{0};
  std::atomic<bool> off_lane{false};

 private:
  void note() {
    if (!lane_.get_executor().running_in_this_thread()) off_lane = true;
  }
  boost::asio::io_context& lane_;
};

// The hub hands displays their updates, resyncs and sweeps by lane: one post per io_context per
// round, run on that context, walking only its own displays; a detached display gets nothing
// more, and a feed without displays is unsubscribed.
TEST_F(TotalsHubLive, EachLaneGetsOnePostPerRoundForAllItsDisplays) {
  using namespace std::chrono_literals;
  seed_event(redis_);
  LiveHub live(redis_);
  auto& hub = live.hub;

  // Two lanes, polled by this thread only.
  boost::asio::io_context lane_a;
  boost::asio::io_context lane_b;
  auto keep_a = boost::asio::make_work_guard(lane_a);
  auto keep_b = boost::asio::make_work_guard(lane_b);
  std::vector<std::shared_ptr<CountingSink>> on_a;
  std::vector<std::shared_ptr<CountingSink>> on_b;
  for (int i = 0; i < 40; ++i) on_a.push_back(std::make_shared<CountingSink>(lane_a));
  for (int i = 0; i < 10; ++i) on_b.push_back(std::make_shared<CountingSink>(lane_b));
  for (const auto& sink : on_a) hub->attach("ev", sink);
  for (const auto& sink : on_b) hub->attach("ev", sink);

  std::size_t posts_a = 0;
  std::size_t posts_b = 0;
  const auto poll_until = [&](const auto& done) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      posts_a += lane_a.poll();
      posts_b += lane_b.poll();
      std::this_thread::sleep_for(2ms);
    }
    return done();
  };
  const auto all_at = [](const auto& sinks, std::uint64_t seq) {
    return std::all_of(sinks.begin(), sinks.end(), [seq](const auto& s) { return s->seq == seq; });
  };
  const auto seq_now = [&] { return std::stoull(redis_.command({"GET", store::seq_key("ev")})); };

  // The first attach loads the feed (the lanes that had displays then are told to resync).
  ASSERT_TRUE(poll_until([&] { return hub->snapshot("ev").has_value(); }));
  scan(redis_, 1, "B1");
  scan(redis_, 2, "B2");
  const auto two = seq_now();
  ASSERT_TRUE(poll_until([&] { return all_at(on_a, two) && all_at(on_b, two); }));

  // Half of lane A leaves; the rest, and lane B, still get the next update.
  std::vector<std::size_t> updates_when_gone;
  for (int i = 0; i < 20; ++i) {
    hub->detach("ev", *on_a[i]);
    updates_when_gone.push_back(on_a[i]->updates);
  }
  scan(redis_, 3, "B3");
  const auto three = seq_now();
  const std::vector stayed(on_a.begin() + 20, on_a.end());
  ASSERT_TRUE(poll_until([&] { return all_at(stayed, three) && all_at(on_b, three); }));
  ASSERT_TRUE(poll_until([&] { return stayed.front()->sweeps > 0; }));  // about once a second
  posts_a += lane_a.poll();
  posts_b += lane_b.poll();

  for (int i = 0; i < 20; ++i) EXPECT_EQ(on_a[i]->updates, updates_when_gone[i]) << i;
  // Every post to a lane was one round over all its displays: as many posts as calls each
  // display that stayed saw (one post per display would be 20 and 10 times as many).
  for (const auto& sink : stayed) EXPECT_EQ(sink->calls(), posts_a);
  for (const auto& sink : on_b) EXPECT_EQ(sink->calls(), posts_b);
  EXPECT_GE(posts_a, 3u);  // two updates and a sweep at least
  for (const auto& sink : on_a) EXPECT_FALSE(sink->off_lane);
  for (const auto& sink : on_b) EXPECT_FALSE(sink->off_lane);

  // The last display leaves: the hub stops following the event.
  for (const auto& sink : stayed) hub->detach("ev", *sink);
  for (const auto& sink : on_b) hub->detach("ev", *sink);
  const auto followers = [&] {
    const auto reply = redis_.command({"PUBSUB", "NUMSUB", store::changes_channel("ev")});
    return reply.substr(reply.find_last_of('\n') + 1);
  };
  ASSERT_TRUE(poll_until([&] { return followers() == "0"; })) << followers();
}

// A failover that took back a scan the hub had been told of (its notice went out before the
// replica had it): nothing tells the subscriber, so the gateway calls reload_all() when its
// commands link is back, and the followed event shows what Redis holds again.
TEST_F(TotalsHubLive, ReloadAllShowsWhatAFailoverTookBack) {
  using namespace std::chrono_literals;
  seed_event(redis_);
  LiveHub live(redis_);
  auto& hub = live.hub;
  boost::asio::io_context lane;
  auto keep = boost::asio::make_work_guard(lane);
  auto sink = std::make_shared<CountingSink>(lane);
  hub->attach("ev", sink);
  const auto poll_until = [&](const auto& done) {
    for (const auto deadline = std::chrono::steady_clock::now() + 10s;
         !done() && std::chrono::steady_clock::now() < deadline;) {
      lane.poll();
      std::this_thread::sleep_for(2ms);
    }
    return done();
  };
  const auto seq_now = [&] { return std::stoull(redis_.command({"GET", store::seq_key("ev")})); };
  const auto onsite = [&] { return redis_.io().run(hub->totals("ev"))->onsite(); };
  ASSERT_TRUE(poll_until([&] { return hub->snapshot("ev").has_value(); }));
  scan(redis_, 1, "B1");
  scan(redis_, 2, "B2");
  const auto two = seq_now();
  ASSERT_TRUE(poll_until([&] { return sink->seq == two; }));
  // What the replica had: the counters and seq after two scans.
  const auto counters = redis_.command({"HGETALL", store::counters_key("ev")});
  scan(redis_, 3, "B3");
  const auto three = seq_now();
  ASSERT_TRUE(poll_until([&] { return sink->seq == three; }));
  ASSERT_EQ(onsite(), 3);

  // The failover: Redis holds the two-scan state again, and no notice says so.
  std::vector<std::string> restore = {"HSET", store::counters_key("ev")};
  std::istringstream lines(counters);
  for (std::string line; std::getline(lines, line);) restore.push_back(line);
  redis_.command({"DEL", store::counters_key("ev")});
  redis_.command(restore);
  redis_.command({"SET", store::seq_key("ev"), std::to_string(two)});
  std::this_thread::sleep_for(200ms);  // ten ticks: nothing changes by itself
  lane.poll();
  EXPECT_EQ(onsite(), 3) << "the hub cannot know without reading again";

  const auto resyncs = sink->resyncs.load();
  hub->reload_all();
  ASSERT_TRUE(poll_until([&] { return sink->resyncs > resyncs && hub->snapshot("ev"); }));
  EXPECT_EQ(onsite(), 2);
  EXPECT_EQ(redis_.io().run(hub->totals("ev"))->seq(), two);
}

struct Shape {
  std::string name;
  boost::system::error_code ec;
  Reply reply;
};

Reply pair_reply(Reply seq, Reply counters) {
  return Reply{.type = Reply::Type::array, .elements = {std::move(seq), std::move(counters)}};
}

std::vector<Shape> broken_shapes() {
  using support::array_reply;
  using support::integer_reply;
  using support::text_reply;
  std::vector<Shape> shapes = {
      {"unavailable", redis::error::unavailable, {}},
      {"not_replicated", redis::error::not_replicated, {}},
      {"nil", {}, Reply{}},
      {"integer", {}, integer_reply(5)},
      {"string", {}, text_reply("5")},
      {"error", {}, support::error_reply("ERR Function not found")},
      {"huge error", {}, support::error_reply("ERR " + std::string(100000, 'e'))},
      {"seq as text", {}, pair_reply(text_reply("5"), array_reply({}))},
      {"negative seq", {}, pair_reply(integer_reply(-1), array_reply({}))},
      {"counters as text", {}, pair_reply(integer_reply(5), text_reply("onsite"))},
      {"counters nil", {}, pair_reply(integer_reply(5), Reply{})},
      {"odd counters", {}, pair_reply(integer_reply(5), array_reply({"onsite", "3", "inside"}))},
      {"non-numeric counter", {}, pair_reply(integer_reply(5), array_reply({"onsite", "three"}))},
      {"empty counter", {}, pair_reply(integer_reply(5), array_reply({"onsite", ""}))},
      {"half-numeric counter", {}, pair_reply(integer_reply(5), array_reply({"onsite", "3x"}))},
      {"overflowing counter",
       {},
       pair_reply(integer_reply(5), array_reply({"onsite", std::string(40, '9')}))},
  };
  Reply nested = pair_reply(integer_reply(5), array_reply({"onsite", "3"}));
  nested.elements[1].elements[1] = array_reply({"3"});
  shapes.push_back({"counter value an array", {}, nested});
  // Arrays of every other length.
  for (const std::size_t length : {0, 1, 3, 4, 10}) {
    Reply reply{.type = Reply::Type::array};
    for (std::size_t i = 0; i < length; ++i) reply.elements.push_back(integer_reply(1));
    shapes.push_back({"array of " + std::to_string(length), {}, reply});
  }
  return shapes;
}

TEST_F(TotalsHubScripted, EveryBrokenReplyIsUnavailableNeverZeros) {
  // The control: a readable reply is read.
  commands_->set_script([](const auto&) -> ScriptedCommands::Answer {
    return {{}, pair_reply(support::integer_reply(7), support::array_reply({"onsite", "3"}))};
  });
  const auto good = io_.run(read_counters(*commands_, *metrics_, "ev"));
  ASSERT_TRUE(good);
  EXPECT_EQ(good->first, 7u);
  ASSERT_EQ(good->second.size(), 1u);
  EXPECT_EQ(good->second[0].second, 3);

  const auto shapes = broken_shapes();
  for (const auto& shape : shapes) {
    commands_->set_script([shape](const auto&) {
      return ScriptedCommands::Answer{shape.ec, shape.reply};
    });
    EXPECT_FALSE(io_.run(read_counters(*commands_, *metrics_, "ev"))) << shape.name;
  }
  EXPECT_EQ(redis_failures(*metrics_, "totals"), shapes.size());
  EXPECT_EQ(commands_->count_named(store::kTotalsFunction), shapes.size() + 1);
}

TEST_F(TotalsHubScripted, TheCauseIsLogged) {
  const std::vector<std::pair<Reply, std::string>> cases = {
      {pair_reply(support::integer_reply(5), support::array_reply({"onsite", "three"})),
       "redis failure (reply_shape) answering totals of event \"ev\" `unavailable`: counter "
       "\"onsite\" is \"three\", not a number"},
      {support::array_reply({"a", "b", "c"}),
       "Redis answered array of 3 elements where the totals function's [seq, counters] was "
       "expected"},
  };
  for (const auto& [reply, cause] : cases) {
    commands_->set_script([reply](const auto&) { return ScriptedCommands::Answer{{}, reply}; });
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the log throttle's second
    support::LogCapture log;
    EXPECT_FALSE(io_.run(read_counters(*commands_, *metrics_, "ev")));
    const auto lines = log.lines_with("answering totals");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(lines[0].find(cause), std::string::npos) << lines[0];
  }
}

}  // namespace
}  // namespace rollcall::tests::gateway
