// The venue acceptance replay: WSIS+20 and the AI for Good summit beside it at Palexpo, generated
// together by rollcall-scenario --companion (about a fifth of the summit's people also registered
// for WSIS+20, one person id in both registries), both registries imported with rollcall-import,
// the venue made with rollcall-admin venue create, both timelines replayed at once through one
// real gateway by two rollcall-loadgen processes, and GET /v1/venues/V/totals compared with
// venue_truth.json (each person once; worked out from the two events' models, never by rollcall)
// after the venue's fold has caught up. Each event's own totals are compared with its truth.json
// too. ROLLCALL_ACCEPTANCE_SCALE (default 0.2) sets the size; 1 is the full pair.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <date/tz.h>
#include <boost/json.hpp>

#include "rollcall/v1/rollcall.pb.h"
#include "services/wire/codec.h"
#include "tests/support/gateway_process.h"
#include "tests/support/redis_server.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/tokens.h"
#include "tests/support/truth_figures.h"
#include "tools/client/http_get.h"

namespace rollcall::tests::integration {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using support::Tally;

std::string scale() {
  const char* text = std::getenv("ROLLCALL_ACCEPTANCE_SCALE");
  return text && *text ? text : "0.2";
}

using support::describe;
using support::figure;
using support::joined;
using support::read_json;
using support::tally;
using support::today_in;

// The figures of a truth (an event's truth.json or venue_truth.json) that Totals carries, as a
// list of differences (empty: equal). `days`: date -> that day's truth.
std::vector<std::string> differences(const v1::Totals& shown, const json::object& truth,
                                     const std::map<std::string, json::object>& days) {
  std::vector<std::string> out;
  auto same = [&](const std::string& what, std::int64_t got, std::int64_t want) {
    if (got != want) {
      out.push_back(what + ": shown " + std::to_string(got) + ", truth " + std::to_string(want));
    }
  };
  auto same_tally = [&](const std::string& what, const Tally& got, const Tally& want) {
    if (got != want) {
      out.push_back(what + ": shown " + describe(got) + ", truth " + describe(want));
    }
  };
  same("onsite", shown.onsite(), figure(truth, "onsite"));
  same("remote", shown.remote(), figure(truth, "remote"));
  same("hybrid", shown.hybrid(), figure(truth, "hybrid"));
  same("participants", shown.participants(), figure(truth, "participants"));
  same("countries_onsite", shown.countries_onsite(), figure(truth, "countries_onsite"));
  same("countries_remote", shown.countries_remote(), figure(truth, "countries_remote"));
  same("countries_any", shown.countries_any(), figure(truth, "countries_any"));
  same("inside_now", shown.inside_now(), figure(truth, "inside_now"));
  same_tally("onsite_by_country", tally(shown.onsite_by_country()),
             tally(truth, "onsite_by_country"));
  same_tally("onsite_by_category", tally(shown.onsite_by_category()),
             tally(truth, "onsite_by_category"));
  same_tally("remote_by_country", tally(shown.remote_by_country()),
             tally(truth, "remote_by_country"));
  same_tally("remote_by_category", tally(shown.remote_by_category()),
             tally(truth, "remote_by_category"));
  for (const auto& [date, want] : days) {
    const auto found = shown.days().find(date);
    const v1::DayTotals none;
    const auto& day = found == shown.days().end() ? none : found->second;
    same(date + " onsite", day.onsite(), figure(want, "onsite"));
    same_tally(date + " onsite_by_country", tally(day.onsite_by_country()),
               tally(want, "onsite_by_country"));
    same_tally(date + " onsite_by_category", tally(day.onsite_by_category()),
               tally(want, "onsite_by_category"));
  }
  return out;
}

// An event's truth.json keys its days day1..dayN with their dates apart; the venue's by date.
std::map<std::string, json::object> event_days(const json::object& truth) {
  std::map<std::string, json::object> out;
  const auto& dates = truth.at("dates").as_object();
  for (const auto& [key, day] : truth.at("days").as_object()) {
    out[std::string(dates.at(key).as_string())] = day.as_object();
  }
  return out;
}

std::map<std::string, json::object> venue_days(const json::object& truth) {
  std::map<std::string, json::object> out;
  for (const auto& [date, day] : truth.at("days").as_object()) {
    out[std::string(date)] = day.as_object();
  }
  return out;
}

struct Fetched {
  int status = 0;
  std::string body;
  v1::Totals totals;
};

Fetched fetch_totals(const support::GatewayProcess& gateway, const std::string& target,
                     const std::string& token) {
  Fetched f;
  const auto response =
      tools::client::http_get(gateway.host(), gateway.port(), target, tools::client::bearer(token));
  f.status = response.status;
  f.body = response.body;
  std::string error;
  if (f.status == 200 &&
      !services::wire::decode(response.body, services::wire::Encoding::json, &f.totals, &error)) {
    f.status = -1;
    f.body = error;
  }
  return f;
}

TEST(VenueAcceptance, WsisAndAiForGoodReplayedTogetherShowTheVenueTruth) {
  support::RedisServer redis;
  const std::string dir = redis.data_dir() + "/palexpo";
  std::string output;
  ASSERT_EQ(support::run_program({ROLLCALL_SCENARIO_BIN, "--scenario", ROLLCALL_WSIS20_SCENARIO,
                                  "--companion", ROLLCALL_AIFG25_SCENARIO, "--seed", "2025",
                                  "--scale", scale(), "--last-day", "yesterday", "--out", dir},
                                 &output),
            0)
      << output;
  std::cout << output;
  const auto venue_config = read_json(dir + "/venue.json");
  const auto venue_truth = read_json(dir + "/venue_truth.json");
  const std::string venue(venue_config.at("id").as_string());
  std::vector<std::string> events;
  for (const auto& e : venue_config.at("events").as_array()) events.emplace_back(e.as_string());
  ASSERT_EQ(events.size(), 2u);
  // The overlap is there to be tested: people counted once in the venue, not twice.
  ASSERT_GT(figure(venue_truth.at("overlap").as_object(), "shared_persons"), 0);
  ASSERT_LT(figure(venue_truth, "onsite"),
            figure(venue_truth.at("sum_of_events").as_object(), "onsite"));

  std::map<std::string, json::object> truths;
  for (const auto& e : events) {
    truths[e] = read_json(dir + "/" + e + "/truth.json");
    ASSERT_TRUE(support::import_registry_file(redis, e, dir + "/" + e + "/registry.csv",
                                              dir + "/" + e + "/event.json"));
  }
  ASSERT_EQ(support::run_program({ROLLCALL_ADMIN_BIN, "venue", "create", "--venue", venue, "--name",
                                  std::string(venue_config.at("name").as_string()), "--events",
                                  events[0] + "," + events[1], "--redis", redis.url()},
                                 &output),
            0)
      << output;
  std::cout << output;

  support::GatewayProcess gateway(redis.url(),
                                  {"--tick-ms", "100", "--messages-per-second", "1000000"});
  // Today's end-of-day reset of each event before the replay (see acceptance_test.cpp): the
  // gateway's own then has nothing to do, so yesterday's people stay inside as in the truth.
  for (const auto& e : events) {
    redis.command(
        {"FCALL", "rollcall_reset_inside", "1", "{" + e + "}", today_in("Europe/Zurich")});
  }
  // A venue token lives in the venue's feed ({@V}:tokens), shaped like an event's.
  const auto venue_organizer = support::issue_token(redis, "@" + venue, v1::organizer);

  struct Replay {
    std::string event;
    int exit = -1;
    std::string output;
  };
  std::vector<Replay> replays;
  for (const auto& e : events) replays.push_back({e});
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (auto& replay : replays) {
    const auto& e = replay.event;
    const std::string tokens_path = dir + "/" + e + "/tokens";
    std::ofstream(tokens_path) << "desk " << support::issue_token(redis, e, v1::desk) << "\n"
                               << "platform " << support::issue_token(redis, e, v1::platform)
                               << "\n"
                               << "display " << support::issue_token(redis, e, v1::display) << "\n";
    const auto& dates = truths[e].at("dates").as_object();
    const std::string last_day(dates.at("day" + std::to_string(dates.size())).as_string());
    threads.emplace_back([&replay, &gateway, dir, tokens_path, last_day] {
      replay.exit = support::run_program(
          {ROLLCALL_LOADGEN_BIN, "--gateway", gateway.host() + ":" + std::to_string(gateway.port()),
           "--timeline", dir + "/" + replay.event + "/timeline.jsonl", "--speed", "max", "--desks",
           "16", "--last-day", last_day, "--report", dir + "/" + replay.event + "/loadgen.json",
           "--tokens", tokens_path},
          &replay.output);
    });
  }
  for (auto& t : threads) t.join();
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  for (const auto& replay : replays) {
    ASSERT_EQ(replay.exit, 0) << replay.event << ":\n" << replay.output << gateway.log();
  }
  std::cout << "[ replay  ] two events at once in " << seconds << " s\n";

  // Each event as before: its totals are its own truth.
  for (const auto& e : events) {
    const auto token = support::issue_token(redis, e, v1::organizer);
    const auto got = fetch_totals(gateway, "/v1/events/" + e + "/totals", token);
    ASSERT_EQ(got.status, 200) << got.body;
    const auto diff = differences(got.totals, truths[e], event_days(truths[e]));
    EXPECT_TRUE(diff.empty()) << e << ":\n" << joined(diff);
  }

  // The venue folds the events' logs a little behind them: poll until its figures equal the
  // truth, or stop changing for 5 s, within 60 s.
  const std::string target = "/v1/venues/" + venue + "/totals";
  const auto want_days = venue_days(venue_truth);
  Fetched last;
  std::vector<std::string> diff = {"never fetched"};
  auto last_change = std::chrono::steady_clock::now();
  const auto deadline = last_change + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto got = fetch_totals(gateway, target, venue_organizer);
    ASSERT_EQ(got.status, 200) << target << ": " << got.body;
    diff = differences(got.totals, venue_truth, want_days);
    if (diff.empty()) break;
    got.totals.clear_seq();
    got.totals.clear_as_of();
    if (got.totals.SerializeAsString() != last.totals.SerializeAsString()) {
      last_change = std::chrono::steady_clock::now();
    } else if (std::chrono::steady_clock::now() - last_change > 5s) {
      break;  // settled, and not on the truth
    }
    last = std::move(got);
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_TRUE(diff.empty()) << "GET " << target << " against venue_truth.json:\n" << joined(diff);
  EXPECT_TRUE(gateway.alive()) << gateway.log();
}

}  // namespace
}  // namespace rollcall::tests::integration
