// redis/sigpipe_guard.cpp: inside the guard a write to a closed peer fails with EPIPE instead of
// ending the process, and afterwards the thread is as it was (SIGPIPE not blocked, none left
// pending by the write, one pending from before kept). A pipe whose reader is gone stands in for
// Redis's closed socket: the kernel raises SIGPIPE alike. The tools' SyncSession on a real Redis
// is tested in sync_session_test.cpp.
#include "redis/sigpipe_guard.h"

#include <gtest/gtest.h>

#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <ctime>

namespace rollcall::tests::redis {
namespace {

using rollcall::redis::SigpipeGuard;

// A pipe with its read end closed; SIGPIPE's default action for the test's life, whatever the
// runner left, so that a write the guard failed to cover ends the test binary.
class SigpipeGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = std::signal(SIGPIPE, SIG_DFL);
    ASSERT_EQ(::pipe(fds_), 0);
    ::close(fds_[0]);
  }
  void TearDown() override {
    ::close(fds_[1]);
    std::signal(SIGPIPE, previous_);
  }
  ssize_t write_one() { return ::write(fds_[1], "x", 1); }

  static bool blocked() {
    sigset_t mask;
    pthread_sigmask(SIG_SETMASK, nullptr, &mask);
    return sigismember(&mask, SIGPIPE) == 1;
  }
  static bool pending() {
    sigset_t set;
    sigpending(&set);
    return sigismember(&set, SIGPIPE) == 1;
  }

  int fds_[2] = {-1, -1};
  void (*previous_)(int) = SIG_DFL;
};

TEST_F(SigpipeGuardTest, WithoutItTheWriteEndsTheProcess) {
  // The premise, in a child: the same write with no guard is a death by SIGPIPE.
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    write_one();
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "status " << status;
  EXPECT_EQ(WTERMSIG(status), SIGPIPE);
}

TEST_F(SigpipeGuardTest, InsideItTheWriteFailsWithEpipeAndNothingIsLeft) {
  for (int i = 0; i < 200; ++i) {
    {
      const SigpipeGuard guard;
      EXPECT_TRUE(blocked());
      // Several writes in one guard, as hiredis loops over a partly written batch.
      for (int n = 0; n <= i % 3; ++n) {
        errno = 0;
        EXPECT_EQ(write_one(), -1);
        EXPECT_EQ(errno, EPIPE);
      }
      if (i % 2 == 0) {
        const SigpipeGuard nested;  // a MOVED command runs another session's guarded call
        EXPECT_EQ(write_one(), -1);
      }
      EXPECT_TRUE(blocked());
    }
    ASSERT_FALSE(pending()) << "round " << i;
    ASSERT_FALSE(blocked()) << "round " << i;
  }
}

TEST_F(SigpipeGuardTest, ASigpipePendingBeforeItStaysPendingAndBlocked) {
  sigset_t pipe_only;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &pipe_only, nullptr), 0);
  ASSERT_EQ(pthread_kill(pthread_self(), SIGPIPE), 0);
  ASSERT_TRUE(pending());
  {
    const SigpipeGuard guard;
    EXPECT_EQ(write_one(), -1);
  }
  EXPECT_TRUE(pending()) << "the guard took a signal that was not its write's";
  EXPECT_TRUE(blocked()) << "the mask is restored as it was, blocked";
  const timespec now{0, 0};
  EXPECT_EQ(sigtimedwait(&pipe_only, nullptr, &now), SIGPIPE);
  ASSERT_EQ(pthread_sigmask(SIG_UNBLOCK, &pipe_only, nullptr), 0);
}

}  // namespace
}  // namespace rollcall::tests::redis
