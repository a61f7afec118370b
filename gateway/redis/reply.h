#pragma once

#include <string>
#include <vector>

namespace rollcall::gateway::redis {

// A Redis reply copied out of hiredis (hiredis frees its own reply when the callback returns).
struct Reply {
  enum class Type { string, array, integer, nil, status, error };

  Type type = Type::nil;
  std::string str;  // string, status and error replies
  long long integer = 0;
  std::vector<Reply> elements;

  bool is_error() const { return type == Type::error; }
};

}  // namespace rollcall::gateway::redis
