#pragma once

#include <string>
#include <vector>

#include <hiredis/hiredis.h>

#include "redis/reply.h"

namespace rollcall::redis {

// The one place a hiredis reply becomes a Reply (hiredis frees its own reply when the callback
// or the blocking call returns), for the asynchronous link and the tools' blocking session alike.
Reply to_reply(const redisReply& reply);

// A reply's scalar as text (integers in decimal, errors by their message); "" for arrays and nil.
std::string text_of(const redisReply& reply);

// Points at each argument with its length: hiredis's argv form, binary-safe.
struct Argv {
  explicit Argv(const std::vector<std::string>& args);
  int count() const { return static_cast<int>(pointers.size()); }

  std::vector<const char*> pointers;
  std::vector<std::size_t> lengths;
};

}  // namespace rollcall::redis
