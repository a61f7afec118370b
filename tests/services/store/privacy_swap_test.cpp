// rollcall_privacy_swap on a private redis-server: the last step of a shred or an erasure
// (docs/privacy.md). Entries appended after the rebuilt copy are carried over as they are unless
// they name the person; the commands run only on a swap and only on the event's own keys.
#include <gtest/gtest.h>

#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "services/store/function_library.h"
#include "services/store/keys.h"
#include "tests/support/redis_server.h"

namespace rollcall::services::store {
namespace {

class PrivacySwap : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_.command({"FUNCTION", "LOAD", "REPLACE", std::string(function_library())});
  }
  std::string swap(const std::string& after, const std::vector<std::string>& ids,
                   const std::vector<std::string>& texts,
                   const std::vector<std::vector<std::string>>& commands) {
    std::vector<std::string> call = {"FCALL", "rollcall_privacy_swap",   "1", tag("ev"),
                                     after,   std::to_string(ids.size())};
    call.insert(call.end(), ids.begin(), ids.end());
    call.push_back(std::to_string(texts.size()));
    call.insert(call.end(), texts.begin(), texts.end());
    for (const auto& c : commands) {
      call.push_back(std::to_string(c.size()));
      call.insert(call.end(), c.begin(), c.end());
    }
    return redis_.command(call);
  }
  std::string add(const std::string& key, const std::string& id, const std::string& badge,
                  const std::string& note = "") {
    return redis_.command({"XADD", key, id, "type", "scan", "badge_id", badge, "note", note});
  }
  std::string log() { return redis_.command({"XRANGE", log_key("ev"), "-", "+"}); }

  tests::support::RedisServer redis_;
};

// Generated logs and tails: a tail naming the person is refused whole; any other is carried over
// verbatim after the rewritten copy, and the commands run with the swap.
TEST_F(PrivacySwap, CarriesOverTheTailUnlessItNamesThePerson) {
  std::mt19937 rng(1504);
  for (int round = 0; round < 60; ++round) {
    SCOPED_TRACE(round);
    redis_.command({"DEL", log_key("ev"), tag("ev") + ":log_rewrite", event_key("ev")});
    const int copied = 1 + rng() % 30, tail = rng() % 6;
    std::string last;
    std::string expected;
    for (int i = 0; i < copied; ++i) {
      const auto badge = "B" + std::to_string(rng() % 10);
      last = add(log_key("ev"), "*", badge);
      add(tag("ev") + ":log_rewrite", last, badge == "B7" ? "anon-x" : badge);
    }
    expected = redis_.command({"XRANGE", tag("ev") + ":log_rewrite", "-", "+"});
    bool names = false;
    for (int i = 0; i < tail; ++i) {
      const auto badge = "B" + std::to_string(rng() % 10);
      const bool note = rng() % 4 == 0;
      names = names || badge == "B7" || note;
      add(log_key("ev"), "*", badge, note ? "Escorted by ANNA Meier" : "");
    }
    const auto before = log();
    const auto reply =
        swap(last, {"B7"}, {"anna meier"},
             {{"HSET", event_key("ev"), "shredded_ms", "5"}, {"INCR", registry_version_key("ev")}});
    if (names) {
      EXPECT_EQ(reply.substr(0, 5), "retry") << reply;
      EXPECT_EQ(log(), before);
      EXPECT_EQ(redis_.command({"HGET", event_key("ev"), "shredded_ms"}), "");
      continue;
    }
    EXPECT_EQ(reply, "swapped\n" + std::to_string(tail));
    const auto after = log();
    EXPECT_EQ(after.substr(0, expected.size()), expected);
    EXPECT_EQ(after.find("\nB7\n"), std::string::npos);
    EXPECT_EQ(std::stoi(redis_.command({"XLEN", log_key("ev")})), copied + tail);
    EXPECT_EQ(redis_.command({"EXISTS", tag("ev") + ":log_rewrite"}), "0");
    EXPECT_EQ(redis_.command({"HGET", event_key("ev"), "shredded_ms"}), "5");
    // New entries follow the last one.
    const auto next = redis_.command({"XADD", log_key("ev"), "*", "type", "scan"});
    EXPECT_FALSE(next.starts_with("ERR")) << next;
  }
}

TEST_F(PrivacySwap, AStarRefusesAnyTailAndAnEmptyLogSwapsNothing) {
  const auto last = add(log_key("ev"), "*", "B1");
  add(tag("ev") + ":log_rewrite", last, "anon-1");
  add(log_key("ev"), "*", "B2");
  EXPECT_EQ(swap(last, {"*"}, {}, {}).substr(0, 5), "retry");
  redis_.command({"DEL", log_key("ev"), tag("ev") + ":log_rewrite"});
  EXPECT_EQ(swap("", {"*"}, {}, {{"HSET", event_key("ev"), "shredded_ms", "1"}}), "swapped\n0");
  EXPECT_EQ(redis_.command({"EXISTS", log_key("ev")}), "0");
  EXPECT_EQ(redis_.command({"HGET", event_key("ev"), "shredded_ms"}), "1");
}

// Only the listed commands, only on this event's keys; checked before anything is written.
TEST_F(PrivacySwap, RefusesOtherCommandsAndOtherKeysWritingNothing) {
  redis_.command({"SET", "{other}:seq", "7"});
  const auto last = add(log_key("ev"), "*", "B1");
  add(tag("ev") + ":log_rewrite", last, "anon-1");
  const auto before = log();
  for (const auto& bad :
       std::vector<std::vector<std::string>>{{"FLUSHALL"},
                                             {"SET", tag("ev") + ":seq", "0"},
                                             {"DEL", tag("ev") + ":counters", "{other}:seq"},
                                             {"HSET", "{other}:event", "x", "1"},
                                             {"HSET", "{ev}x:event", "x", "1"},
                                             {"RENAME", tag("ev") + ":badges", "{other}:badges"},
                                             {"SADD", "rollcall:events", "x"}}) {
    const auto reply = swap(last, {"B9"}, {}, {{"HSET", event_key("ev"), "a", "1"}, bad});
    EXPECT_NE(reply.find("privacy_swap"), std::string::npos) << bad[0] << ": " << reply;
    EXPECT_EQ(log(), before);
    EXPECT_EQ(redis_.command({"HGET", event_key("ev"), "a"}), "");
    EXPECT_EQ(redis_.command({"GET", "{other}:seq"}), "7");
  }
}

}  // namespace
}  // namespace rollcall::services::store
