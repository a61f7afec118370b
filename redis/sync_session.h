#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <hiredis/hiredis.h>

#include "redis/reply.h"
#include "redis/url.h"

namespace rollcall::redis {

// A blocking hiredis connection for the command-line tools: a tool has no io_context to keep
// responsive, so the asynchronous link would only add machinery. Replies are the same Reply the
// link gives (error replies throw instead). Every failure throws
// std::runtime_error with a one-line reason.
class SyncSession {
 public:
  // Connects, then AUTH and SELECT as the URL asks.
  explicit SyncSession(const Url& url);

  // One command, its reply (nullopt for nil); a Redis error reply throws.
  std::optional<std::string> command(const std::vector<std::string>& args);

  // One command, its whole reply; a Redis error reply throws.
  Reply query(const std::vector<std::string>& args);
  // Several commands in one round trip, their replies in order; an error reply throws.
  std::vector<Reply> pipeline(const std::vector<std::vector<std::string>>& commands);

  // Queues a command; replies are read (and checked) every `batch` commands and by flush(), so a
  // large registry costs a few round trips instead of one per badge.
  void append(const std::vector<std::string>& args);
  void flush();

  static constexpr std::size_t kBatch = 1000;

 private:
  struct Free {
    void operator()(redisContext* c) const { redisFree(c); }
  };

  [[noreturn]] void fail(const std::string& doing) const;
  struct ReplyDeleter {
    void operator()(redisReply* r) const { freeReplyObject(r); }
  };
  std::unique_ptr<redisReply, ReplyDeleter> run(const std::vector<std::string>& args);

  std::unique_ptr<redisContext, Free> context_;
  std::string where_;
  std::size_t pending_ = 0;
};

}  // namespace rollcall::redis
