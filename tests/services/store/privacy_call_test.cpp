// The privacy marks, the rewritten log and the swap Function's arguments and answer.
#include "services/store/privacy_call.h"

#include <gtest/gtest.h>

#include "tests/services/store/reply_shapes.h"

namespace rollcall::services::store {
namespace {

using namespace shapes;
using Args = std::vector<std::string>;

TEST(PrivacyCall, MarksAndTheRewrittenLog) {
  EXPECT_EQ(shredded_read("ev"), (Args{"HGET", "{ev}:event", "shredded_ms"}));
  EXPECT_EQ(shredded_write("ev", 12), (Args{"HSET", "{ev}:event", "shredded_ms", "12"}));
  EXPECT_EQ(erased_write("ev", 13), (Args{"HSET", "{ev}:event", "erased_ms", "13"}));
  EXPECT_EQ(shred_key_read("ev"), (Args{"HGET", "{ev}:event", "shred_key"}));
  EXPECT_EQ(shred_key_create("ev", "ff"), (Args{"HSETNX", "{ev}:event", "shred_key", "ff"}));
  EXPECT_EQ(shred_key_delete("ev"), (Args{"HDEL", "{ev}:event", "shred_key"}));
  EXPECT_EQ(erased_marks_add("ev", {"a", "b"}), (Args{"SADD", "{ev}:erased", "a", "b"}));
  EXPECT_EQ(erased_mark_read("ev", "a"), (Args{"SISMEMBER", "{ev}:erased", "a"}));
  EXPECT_EQ(log_rewrite_clear("ev"), (Args{"DEL", "{ev}:log_rewrite"}));
  EXPECT_EQ(log_rewrite_add("ev", "5-1", {{"type", "scan"}, {"badge_id", "x"}}),
            (Args{"XADD", "{ev}:log_rewrite", "5-1", "type", "scan", "badge_id", "x"}));
}

// Generated argument lists: the counts the Function reads always match what follows them.
TEST(PrivacyCall, SwapArgumentsCountWhatFollows) {
  std::mt19937_64 random(61);
  for (int round = 0; round < 300; ++round) {
    PrivacySwapCall call{.event_id = "ev", .after_id = round % 3 ? "7-1" : ""};
    for (auto n = random() % 5; n > 0; --n) call.ids.push_back("id" + std::to_string(n));
    for (auto n = random() % 4; n > 0; --n) call.texts.push_back("name" + std::to_string(n));
    for (auto n = random() % 6; n > 0; --n) {
      Args command = {"HSET", "{ev}:k"};
      for (auto w = random() % 4; w > 0; --w) command.push_back("w" + std::to_string(w));
      call.commands.push_back(command);
    }
    const auto args = privacy_swap_call(call);
    ASSERT_GE(args.size(), 7u);
    EXPECT_EQ(Args(args.begin(), args.begin() + 5),
              (Args{"FCALL", "rollcall_privacy_swap", "1", "{ev}", call.after_id}));
    // Walk it as the Function does.
    std::size_t at = 5;
    const auto take = [&](std::size_t count) {
      EXPECT_LE(at + count, args.size());
      Args out(args.begin() + static_cast<long>(at), args.begin() + static_cast<long>(at + count));
      at += count;
      return out;
    };
    EXPECT_EQ(take(std::stoul(take(1)[0])), call.ids);
    EXPECT_EQ(take(std::stoul(take(1)[0])), call.texts);
    std::vector<Args> commands;
    while (at < args.size()) commands.push_back(take(std::stoul(take(1)[0])));
    EXPECT_EQ(commands, call.commands);
  }
}

TEST(PrivacyCall, SwapAnswerIsReadStrictly) {
  const auto swapped = read_privacy_swap(array({text("swapped"), integer(4)}));
  ASSERT_TRUE(swapped);
  EXPECT_TRUE(swapped->swapped);
  EXPECT_EQ(swapped->copied, 4);
  const auto retry = read_privacy_swap(array({text("retry"), text("9-3")}));
  ASSERT_TRUE(retry);
  EXPECT_FALSE(retry->swapped);
  EXPECT_EQ(retry->retry_from, "9-3");
  std::vector<Reply> bad = basic_wrong_shapes();
  for (const auto& b : std::vector<Reply>{
           array({}), array({text("swapped")}), array({text("swapped"), integer(-1)}),
           array({text("swapped"), text("3")}), array({text("retry"), integer(3)}),
           array({text("retry"), text("not-an-id")}), array({text("done"), integer(1)}),
           array({integer(1), integer(1)}), array({text("swapped"), integer(1), integer(1)})}) {
    bad.push_back(b);
  }
  for (const auto& reply : bad) expect_refused(read_privacy_swap(reply), reply);
  random_replies_through([](const Reply& r) { return read_privacy_swap(r); }, 62);
}

}  // namespace
}  // namespace rollcall::services::store
