// gateway/event_directory.cpp: events as the importer stores them, read through the real link —
// stored configs, badge keys and ticket keys of every broken kind never crash the lookup nor
// name another event — and every Redis failure answered `unavailable`, logged, never cached.
#include <gtest/gtest.h>

#include <date/tz.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gateway/event_directory.h"
#include "redis/error.h"
#include "services/auth/ticket.h"
#include "services/registry/event_config.h"
#include "services/store/keys.h"
#include "tests/gateway/unit_fixtures.h"
#include "tests/support/log_capture.h"
#include "tests/support/scripted_commands.h"

namespace rollcall::tests::gateway {
namespace {

using rollcall::gateway::EventDirectory;
using rollcall::gateway::Metrics;
using support::ScriptedCommands;
namespace store = services::store;
using EventDirectoryLive = LiveTest;
using EventDirectoryScripted = ScriptedTest;

TEST_F(EventDirectoryLive, ReadsTheConfigBadgeKeysAndTicketKey) {
  redis_.command({"HSET", store::event_key("ev"), "config",
                  R"({"name":"Conf","timeZone":"Europe/Zurich","days":["2025-07-07"],)"
                  R"("zones":["hall"],"addedByANewerImporter":true})"});
  redis_.command({"HSET", store::badge_keys_key("ev"), "0a0b0c0d", R"({"publicKey":"AAAA"})", "bad",
                  "not json"});
  const auto ticket_key = services::auth::generate_ticket_key();
  redis_.command(
      {"HSET", store::secrets_key("ev"), std::string(store::kTicketKeyField), ticket_key});
  EventDirectory events(redis_.connection());
  const auto lookup = redis_.io().run(events.find("ev"));
  ASSERT_TRUE(lookup.event);
  EXPECT_FALSE(lookup.unavailable);
  EXPECT_EQ(lookup.event->config.event_id(), "ev");
  EXPECT_EQ(lookup.event->config.name(), "Conf");
  EXPECT_EQ(lookup.event->zone->name(), "Europe/Zurich");
  ASSERT_EQ(lookup.event->config.days_size(), 1);
  ASSERT_EQ(lookup.event->badge_keys.size(), 1u);  // the unreadable key is left out
  EXPECT_EQ(lookup.event->badge_keys.begin()->second.key_id(), "0a0b0c0d");
  EXPECT_EQ(lookup.event->ticket_key, *services::auth::ticket_key_bytes(ticket_key));
}

TEST_F(EventDirectoryLive, AMissingEventIsNoneAndNotCached) {
  EventDirectory events(redis_.connection());
  const auto missing = redis_.io().run(events.find("ev"));
  EXPECT_FALSE(missing.event);
  EXPECT_FALSE(missing.unavailable);
  redis_.command({"HSET", store::event_key("ev"), "config", "{}"});
  EXPECT_TRUE(redis_.io().run(events.find("ev")).event);  // an import is seen at once
}

// A stored config the one reader (services/registry/event_config.h) refuses makes the event
// unavailable — never a half-read event under fallbacks — counted as bad_config and logged with
// the reader's reason; the configs it accepts are found under their own id, in a real zone.
TEST_F(EventDirectoryLive, StoredConfigsOfEveryBrokenKind) {
  auto metrics = std::make_shared<Metrics>();
  EventDirectory events(redis_.connection(), services::checkin::kDefaultTimeMargin, metrics);
  const std::vector<std::string> configs = {
      "",
      "{",
      "[]",
      "null",
      "42",
      "\"a string\"",
      R"({"timeZone":"Mars/Olympus_Mons"})",
      R"({"timeZone":7})",
      R"({"timeZone":""})",
      R"({"timeZone":"../../etc/passwd"})",
      R"({"days":"monday"})",
      R"({"days":["not-a-date","2025-13-45"]})",
      R"({"eventId":"someone-else"})",
      R"({"zoneCapacities":{"hall":-5}})",
      R"({"capacityWarning":"high"})",
      std::string(200000, '['),
      std::string("{\"name\":\"\xff\xfe\"}"),
      std::string("\0\0\0", 3),
  };
  // These can be nothing but refused: not JSON, not an object, or another event's.
  const std::set<std::string> must_refuse = {"", "{", "[]", R"({"eventId":"someone-else"})",
                                             std::string(200000, '[')};
  std::uint64_t refused = 0;
  int n = 0;
  for (const auto& config : configs) {
    const auto id = "ev" + std::to_string(++n);
    redis_.command({"HSET", store::event_key(id), "config", config});
    bool parses = true;
    try {
      (void)services::registry::parse_stored_event(config, id);
    } catch (const services::registry::EventConfigError&) {
      parses = false;
    }
    if (must_refuse.contains(config)) {
      EXPECT_FALSE(parses) << config.substr(0, 40);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the log throttle's second
    support::LogCapture log;
    const auto lookup = redis_.io().run(events.find(id));
    if (parses) {
      ASSERT_TRUE(lookup.event) << config.substr(0, 40);
      EXPECT_FALSE(lookup.unavailable);
      EXPECT_EQ(lookup.event->config.event_id(), id) << config.substr(0, 40);
      ASSERT_NE(lookup.event->zone, nullptr);
      EXPECT_EQ(lookup.event->zone->name(), "UTC") << config;
      continue;
    }
    ++refused;
    EXPECT_TRUE(lookup.unavailable) << config.substr(0, 40);
    EXPECT_FALSE(lookup.event) << config.substr(0, 40);
    EXPECT_EQ(redis_failures(*metrics, "event", "bad_config"), refused) << config.substr(0, 40);
    const auto lines = log.lines_with("redis failure (bad_config) answering event of event \"" +
                                      id + "\" `unavailable`: the stored event config is unusable");
    EXPECT_EQ(lines.size(), 1u) << config.substr(0, 40);
    // Not cached: fixed by a new import, it is found at once.
    redis_.command({"HSET", store::event_key(id), "config", "{}"});
    EXPECT_TRUE(redis_.io().run(events.find(id)).event) << config.substr(0, 40);
  }
  EXPECT_GE(refused, must_refuse.size());
}

// Ticket keys that are not 64 hex digits leave the event without one.
TEST_F(EventDirectoryLive, TicketKeysOfEveryBrokenKind) {
  EventDirectory events(redis_.connection());
  const std::vector<std::string> keys = {"",
                                         "not hex",
                                         "abcd",
                                         std::string(63, 'a'),
                                         std::string(65, 'a'),
                                         std::string(64, 'g'),
                                         std::string("\0\xff", 2)};
  int n = 0;
  for (const auto& key : keys) {
    const auto id = "ev" + std::to_string(++n);
    redis_.command({"HSET", store::event_key(id), "config", "{}"});
    redis_.command({"HSET", store::secrets_key(id), std::string(store::kTicketKeyField), key});
    const auto lookup = redis_.io().run(events.find(id));
    ASSERT_TRUE(lookup.event) << key;
    EXPECT_TRUE(lookup.event->ticket_key.empty()) << key;
  }
}

TEST_F(EventDirectoryScripted, InvalidEventIdsAskNothing) {
  EventDirectory events(commands_);
  for (const auto& id : {std::string(""), std::string("UPPER"), std::string("a b"),
                         std::string(65, 'a'), std::string("../x"), std::string("{ev}"),
                         std::string("ev\n"), std::string("\xff", 1), std::string("ev:tokens")}) {
    const auto lookup = io_.run(events.find(id));
    EXPECT_FALSE(lookup.event);
    EXPECT_FALSE(lookup.unavailable);
  }
  EXPECT_TRUE(commands_->received().empty());
}

// ---- failures a real server will not give on demand, at each of the three reads -----------

TEST_F(EventDirectoryScripted, EachFailureAtEachReadIsUnavailableLoggedAndNotCached) {
  const std::vector<std::pair<ScriptedCommands::Answer, std::string>> failures = {
      {{redis::error::unavailable, {}}, "redis unavailable: connection reset"},
      {{redis::error::not_replicated, {}}, "not acknowledged by enough replicas"},
      {{{}, support::error_reply("LOADING Redis is loading the dataset in memory")},
       "Redis answered \"LOADING Redis is loading the dataset in memory\""},
      {{{}, support::integer_reply(3)}, "Redis answered integer where the event's"},
      {{{}, redis::Reply{.type = redis::Reply::Type::status, .str = "QUEUED"}},
       "Redis answered status where the event's"},
  };
  // The three reads, and what each answers when it works.
  const std::vector<std::string> keys = {store::event_key("ev"), store::badge_keys_key("ev"),
                                         store::secrets_key("ev")};
  const std::vector<redis::Reply> good = {support::text_reply("{}"), support::array_reply({}),
                                          redis::Reply{}};
  for (std::size_t step = 0; step < keys.size(); ++step) {
    for (const auto& [answer, cause] : failures) {
      auto commands = std::make_shared<ScriptedCommands>(
          io_.executor(), [&, step, answer](const std::vector<std::string>& args) {
            for (std::size_t i = 0; i < keys.size(); ++i) {
              if (args.size() > 1 && args[1] == keys[i]) {
                return i == step ? answer : ScriptedCommands::Answer{{}, good[i]};
              }
            }
            return ScriptedCommands::Answer{{}, support::error_reply("ERR unexpected")};
          });
      commands->set_last_error("connection reset");
      EventDirectory events(commands);
      std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the log throttle's second
      support::LogCapture log;
      const auto lookup = io_.run(events.find("ev"));
      EXPECT_TRUE(lookup.unavailable) << step << " " << cause;
      EXPECT_FALSE(lookup.event) << step << " " << cause;
      const auto lines = log.lines_with("answering event of event \"ev\" `unavailable`");
      ASSERT_EQ(lines.size(), 1u) << step << " " << cause;
      EXPECT_NE(lines[0].find(cause), std::string::npos) << lines[0];
      // Not cached: the next lookup asks again, and succeeds once Redis does.
      commands->set_script([&](const std::vector<std::string>& args) {
        for (std::size_t i = 0; i < keys.size(); ++i) {
          if (args.size() > 1 && args[1] == keys[i]) return ScriptedCommands::Answer{{}, good[i]};
        }
        return ScriptedCommands::Answer{};
      });
      const auto before = commands->received().size();
      EXPECT_TRUE(io_.run(events.find("ev")).event);
      EXPECT_EQ(commands->received().size(), before + 3);
      // Found events are cached: no more reads within kCacheFor.
      EXPECT_TRUE(io_.run(events.find("ev")).event);
      EXPECT_EQ(commands->received().size(), before + 3);
    }
  }
}

}  // namespace
}  // namespace rollcall::tests::gateway
