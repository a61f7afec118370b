// gateway/presence_batcher.cpp: many beacons' joins go out as few calls of the presence function
// (counted by the server itself), each beacon gets its own ack, events never share a batch, a
// lone item goes out when its window closes, and a batch Redis does not answer is `unavailable`
// for every item in it.
#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <vector>

#include <date/tz.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/strand.hpp>

#include "gateway/event_directory.h"
#include "gateway/metrics.h"
#include "gateway/presence_batcher.h"
#include "gateway/presence_leases.h"
#include "redis/error.h"
#include "services/checkin/time_window.h"
#include "services/store/keys.h"
#include "tests/gateway/unit_fixtures.h"
#include "tests/support/scripted_commands.h"

namespace rollcall::tests::gateway {
namespace {

using rollcall::gateway::EventDirectory;
using rollcall::gateway::EventInfo;
using rollcall::gateway::Metrics;
using rollcall::gateway::PresenceBatcher;
using rollcall::gateway::PresenceLeases;
namespace asio = boost::asio;
namespace store = services::store;

std::shared_ptr<const EventInfo> event_info(const std::string& id) {
  auto event = std::make_shared<EventInfo>();
  event->config.set_event_id(id);
  event->zone = date::locate_zone("UTC");
  event->days_window = services::checkin::event_time_window(event->config, event->zone,
                                                            services::checkin::kDefaultTimeMargin);
  return event;
}

v1::PresenceEvent join(const std::string& presence_id, const std::string& participant) {
  v1::PresenceEvent item;
  item.set_presence_id(presence_id);
  item.set_kind(v1::join);
  item.set_participant_id(participant);
  item.set_country("CH");
  item.set_category("other");
  item.set_platform("beacon");
  return item;
}

// The server's own count of presence function calls.
long long fcalls(const LiveRedis& redis) {
  const auto stats = redis.command({"INFO", "commandstats"});
  std::smatch match;
  if (!std::regex_search(stats, match, std::regex("cmdstat_fcall:calls=([0-9]+)"))) return 0;
  return std::stoll(match[1]);
}

struct Applied {
  std::string event_id;
  v1::PresenceEvent item;
};

// Applies every item at once, as many beacons joining together, and returns their acks in order.
std::vector<v1::PresenceAck> apply_all(support::TestIo& io, PresenceBatcher& batcher,
                                       const std::vector<Applied>& items) {
  // Shared with the handlers, which may still be unwinding when the last one has answered.
  struct State {
    std::mutex mutex;
    std::vector<v1::PresenceAck> acks;
    std::size_t done = 0;
    std::promise<void> all;
  };
  auto state = std::make_shared<State>();
  state->acks.resize(items.size());
  auto all = state->all.get_future();
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto event = event_info(items[i].event_id);
    asio::co_spawn(asio::make_strand(io.executor()), batcher.apply(event, items[i].item),
                   [state, i, n = items.size()](std::exception_ptr error, v1::PresenceAck ack) {
                     bool last = false;
                     {
                       std::lock_guard lock(state->mutex);
                       if (!error) state->acks[i] = std::move(ack);
                       last = ++state->done == n;
                     }
                     if (last) state->all.set_value();
                   });
  }
  if (all.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
    ADD_FAILURE() << "not every beacon got its ack";
  }
  std::lock_guard lock(state->mutex);
  return state->acks;
}

class PresenceBatcherLive : public LiveTest {
 protected:
  void SetUp() override {
    LiveTest::SetUp();
    for (const auto* id : {"ev", "ev2"}) {
      redis_.command({"HSET", store::event_key(id), "days", "", "zones", ""});
    }
  }
  std::shared_ptr<PresenceBatcher> batcher(std::chrono::microseconds window, std::size_t max) {
    auto leases =
        std::make_shared<PresenceLeases>(redis_.connection(), std::shared_ptr<EventDirectory>(),
                                         "gw-test", std::chrono::seconds(60));
    return std::make_shared<PresenceBatcher>(asio::make_strand(redis_.io().executor()),
                                             redis_.connection(), metrics_, leases, window, max);
  }
  std::string counter(const std::string& event, const std::string& field) {
    return redis_.command({"HGET", store::counters_key(event), field});
  }

  std::shared_ptr<Metrics> metrics_ = std::make_shared<Metrics>();
};

TEST_F(PresenceBatcherLive, ManyBeaconsJoinInFewCallsEachWithItsOwnAck) {
  // A window far longer than the test: only the size limit closes a batch before the last one.
  auto batcher = this->batcher(std::chrono::milliseconds(500), 100);
  for (const std::size_t n : {1u, 99u, 100u, 101u, 250u}) {
    const std::string event = "ev";
    std::vector<Applied> items;
    for (std::size_t i = 0; i < n; ++i) {
      const auto who = "p" + std::to_string(n) + "-" + std::to_string(i);
      items.push_back({event, join("join-" + who, who)});
    }
    const auto calls = fcalls(redis_);
    const auto online = counter(event, "online").empty() ? 0 : std::stoll(counter(event, "online"));
    const auto acks = apply_all(redis_.io(), *batcher, items);
    ASSERT_EQ(acks.size(), n);
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_EQ(acks[i].presence_id(), items[i].item.presence_id()) << i;
      EXPECT_EQ(acks[i].status(), v1::PresenceAck::joined) << i;
    }
    EXPECT_EQ(fcalls(redis_) - calls, static_cast<long long>((n + 99) / 100)) << n << " joins";
    EXPECT_EQ(std::stoll(counter(event, "online")) - online, static_cast<long long>(n));
  }
}

TEST_F(PresenceBatcherLive, ALoneItemGoesOutWhenItsWindowCloses) {
  auto batcher = this->batcher(std::chrono::milliseconds(1), 1000);
  const std::vector<Applied> one{{"ev", join("lone-join", "lone")}};
  const auto acks = apply_all(redis_.io(), *batcher, one);
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(acks[0].status(), v1::PresenceAck::joined);
  EXPECT_EQ(counter("ev", "online"), "1");
}

TEST_F(PresenceBatcherLive, EventsNeverShareABatchAndRepeatsAreNotCountedTwice) {
  auto batcher = this->batcher(std::chrono::milliseconds(500), 1000);
  std::vector<Applied> items;
  for (int i = 0; i < 30; ++i) {
    const auto event = i % 3 == 0 ? "ev2" : "ev";
    items.push_back({event, join("j" + std::to_string(i), "p" + std::to_string(i))});
  }
  items.push_back({"ev", join("j1", "p1")});  // the same presence id again: a replay
  const auto calls = fcalls(redis_);
  const auto acks = apply_all(redis_.io(), *batcher, items);
  EXPECT_EQ(fcalls(redis_) - calls, 2);
  EXPECT_EQ(counter("ev", "online"), "20");
  EXPECT_EQ(counter("ev2", "online"), "10");
  for (std::size_t i = 0; i + 1 < items.size(); ++i) {
    EXPECT_EQ(acks[i].status(), v1::PresenceAck::joined) << i;
  }
  EXPECT_EQ(acks.back().presence_id(), "j1");
  EXPECT_NE(acks.back().status(), v1::PresenceAck::unavailable);
}

using PresenceBatcherScripted = ScriptedTest;

TEST_F(PresenceBatcherScripted, ABatchRedisDoesNotAnswerIsUnavailableForEveryItem) {
  std::atomic<int> calls = 0;
  commands_->set_script([&](const std::vector<std::string>&) {
    ++calls;
    return support::ScriptedCommands::Answer{.ec = redis::error::unavailable};
  });
  auto leases = std::make_shared<PresenceLeases>(commands_, std::shared_ptr<EventDirectory>(),
                                                 "gw-test", std::chrono::seconds(60));
  auto batcher =
      std::make_shared<PresenceBatcher>(asio::make_strand(io_.executor()), commands_, metrics_,
                                        leases, std::chrono::milliseconds(500), 40);
  std::vector<Applied> items;
  for (int i = 0; i < 100; ++i) {
    items.push_back({"ev", join("j" + std::to_string(i), "p" + std::to_string(i))});
  }
  const auto acks = apply_all(io_, *batcher, items);
  EXPECT_EQ(calls.load(), 3);
  EXPECT_EQ(redis_failures(*metrics_, "presence"), 3u);
  for (std::size_t i = 0; i < acks.size(); ++i) {
    EXPECT_EQ(acks[i].presence_id(), items[i].item.presence_id()) << i;
    EXPECT_EQ(acks[i].status(), v1::PresenceAck::unavailable) << i;
  }
}

}  // namespace
}  // namespace rollcall::tests::gateway
