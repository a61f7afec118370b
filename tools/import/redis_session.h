#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <hiredis/hiredis.h>

#include "gateway/redis/url.h"

namespace rollcall::tools::import {

// A reply with its structure kept (XRANGE answers arrays of arrays).
struct RedisValue {
  enum class Type { nil, string, integer, array };
  Type type = Type::nil;
  std::string str;  // strings and statuses
  long long integer = 0;
  std::vector<RedisValue> elements;
};

// A blocking hiredis connection: a command-line tool has no io_context to keep responsive, so the
// asynchronous adapter of the gateway would only add machinery. Every failure throws
// std::runtime_error with a one-line reason.
class RedisSession {
 public:
  // Connects, then AUTH and SELECT as the URL asks.
  explicit RedisSession(const gateway::redis::Url& url);

  // One command, its reply (nullopt for nil); a Redis error reply throws.
  std::optional<std::string> command(const std::vector<std::string>& args);

  // One command, its whole reply; a Redis error reply throws.
  RedisValue query(const std::vector<std::string>& args);
  // Several commands in one round trip, their replies in order; an error reply throws.
  std::vector<RedisValue> pipeline(const std::vector<std::vector<std::string>>& commands);

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

}  // namespace rollcall::tools::import
