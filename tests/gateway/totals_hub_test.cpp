// gateway/totals_hub.cpp, its commands side: read_counters and TotalsHub::totals() against the
// real Functions library after real scans, and every reply of the totals function that cannot
// be read answered "unavailable" (nullopt) — counted, logged, never shown as zeros.
#include <gtest/gtest.h>

#include <map>
#include <memory>
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

TEST_F(TotalsHubLive, ReadsWhatTheScansCounted) {
  Metrics metrics;
  auto empty = redis_.io().run(read_counters(*redis_.connection(), metrics, "ev"));
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->first, 0u);
  EXPECT_TRUE(empty->second.empty());

  redis_.command({"HSET", store::event_key("ev"), "days", "", "zones", ""});
  const std::vector<std::string> badges = {"B1", "B2", "B3", "B4"};
  for (const auto& badge : badges) {
    redis_.command({"HSET", store::badge_key("ev", badge), "country", badge == "B4" ? "FR" : "CH",
                    "category", "minister", "name", "N", "organization", "O", "revoked", "0"});
  }
  int n = 0;
  for (const auto& badge : {"B1", "B2", "B3", "B4", "B1", "B9"}) {
    redis_.command({"FCALL", std::string(store::kScanFunction), "1", store::tag("ev"),
                    "s" + std::to_string(++n), badge, "desk1", "hall", "in", "1000", "2000",
                    "2025-07-07", "2025-07-07T09:00", "0"});
  }
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
