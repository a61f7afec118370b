#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <hiredis/hiredis.h>

#include "tools/import/redis_url.h"

namespace rollcall::tools::import {

// A blocking hiredis connection: a command-line tool has no io_context to keep responsive, so the
// asynchronous adapter of the gateway would only add machinery. Every failure throws
// std::runtime_error with a one-line reason.
class RedisSession {
 public:
  // Connects, then AUTH and SELECT as the URL asks.
  explicit RedisSession(const RedisUrl& url);

  // One command, its reply (nullopt for nil); a Redis error reply throws.
  std::optional<std::string> command(const std::vector<std::string>& args);

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

  std::unique_ptr<redisContext, Free> context_;
  std::string where_;
  std::size_t pending_ = 0;
};

}  // namespace rollcall::tools::import
