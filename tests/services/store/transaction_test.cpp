// MULTI/EXEC around the store's commands, and the read of EXEC's answer.
#include "services/store/transaction.h"

#include <gtest/gtest.h>

#include "tests/services/store/reply_shapes.h"

namespace rollcall::services::store {
namespace {

using namespace shapes;
using Args = std::vector<std::string>;

TEST(Transaction, WrapsTheCommandsInMultiAndExec) {
  for (std::size_t n = 0; n < 20; ++n) {
    std::vector<Args> commands;
    for (std::size_t i = 0; i < n; ++i) commands.push_back({"GET", "k" + std::to_string(i)});
    const auto all = transaction(commands);
    ASSERT_EQ(all.size(), n + 2);
    EXPECT_EQ(all.front(), Args{"MULTI"});
    EXPECT_EQ(all.back(), Args{"EXEC"});
    for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(all[i + 1], commands[i]);
  }
  EXPECT_EQ(watch({"a", "b"}), (Args{"WATCH", "a", "b"}));
  EXPECT_EQ(unwatch(), Args{"UNWATCH"});
}

std::vector<Reply> replies_of(std::size_t commands, Reply exec) {
  std::vector<Reply> replies = {status("OK")};
  for (std::size_t i = 0; i < commands; ++i) replies.push_back(status("QUEUED"));
  replies.push_back(std::move(exec));
  return replies;
}

TEST(Transaction, ReadsExecsResultsOrItsRefusal) {
  const auto done = read_transaction(replies_of(2, array({integer(1), text("x")})), 2);
  ASSERT_TRUE(done);
  ASSERT_TRUE(*done);
  EXPECT_EQ((**done)[1].str, "x");
  const auto aborted = read_transaction(replies_of(2, nil()), 2);
  ASSERT_TRUE(aborted);
  EXPECT_FALSE(*aborted);  // a watched key changed
}

TEST(Transaction, EveryOtherShapeIsRefused) {
  for (std::size_t n = 0; n < 6; ++n) {
    for (const auto& exec : {error("EXECABORT x"), integer(1), text("x"), status("OK")}) {
      expect_refused(read_transaction(replies_of(n, exec), n), exec);
    }
    // A result too many or too few.
    for (const std::size_t results : {n + 1, n == 0 ? 2 : n - 1}) {
      const auto exec = array(std::vector<Reply>(results, integer(0)));
      expect_refused(read_transaction(replies_of(n, exec), n), exec);
    }
    // Replies missing or extra (a pipeline cut short).
    auto short_replies = replies_of(n, array(std::vector<Reply>(n, integer(0))));
    short_replies.pop_back();
    EXPECT_FALSE(read_transaction(short_replies, n));
    EXPECT_FALSE(read_transaction({}, n));
  }
}

TEST(Transaction, RandomExecRepliesNeverCrash) {
  random_replies_through([](const Reply& r) { return read_transaction(replies_of(3, r), 3); }, 21);
}

}  // namespace
}  // namespace rollcall::services::store
