#pragma once

#include <csignal>

namespace rollcall::redis {

// hiredis writes with write(2): on a connection Redis has closed (a restart, CLIENT KILL, its
// idle timeout) the second write of a large batch raises SIGPIPE, and a process that keeps the
// default action dies without a word. The command-line tools keep the default, so that
// `rollcall-admin ... | head` ends quietly; around their Redis calls this guard blocks SIGPIPE
// in the calling thread, so the write fails with EPIPE and hiredis reports it, then drops a
// SIGPIPE raised meanwhile (not one already pending) and restores the mask, as libpq does. Unlike
// libpq it does not ask whether a write failed: a SIGPIPE sent to the tool from outside during a
// call is dropped too.
class SigpipeGuard {
 public:
  SigpipeGuard();
  ~SigpipeGuard();
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t previous_;
  bool was_pending_ = false;
};

}  // namespace rollcall::redis
