#include "redis/read_only.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <string_view>

namespace rollcall::redis {
namespace {

bool same(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) == y;
         });
}

// In upper case. Only what reads, never what writes as well (GETDEL, GETEX, SORT with STORE).
constexpr std::array<std::string_view, 36> kReads = {
    "GET",      "MGET",       "STRLEN",    "GETRANGE", "EXISTS",    "TYPE",
    "TTL",      "PTTL",       "HGET",      "HMGET",    "HGETALL",   "HEXISTS",
    "HLEN",     "HKEYS",      "HVALS",     "SCARD",    "SISMEMBER", "SMISMEMBER",
    "SMEMBERS", "ZCARD",      "ZSCORE",    "ZRANGE",   "ZRANK",     "LRANGE",
    "LLEN",     "XRANGE",     "XREVRANGE", "XLEN",     "SCAN",      "FCALL_RO",
    "EVAL_RO",  "EVALSHA_RO", "PING",      "ECHO",     "INFO",      "ASKING"};

}  // namespace

bool is_read_only(const Command& command) {
  const auto name = command.name();
  if (std::any_of(kReads.begin(), kReads.end(),
                  [&](std::string_view read) { return same(name, read); })) {
    return true;
  }
  if (same(name, "CLUSTER") || same(name, "CONFIG")) {
    const auto args = command.args();
    if (args.size() < 2) return false;
    return same(name, "CLUSTER") ? same(args[1], "SLOTS") || same(args[1], "NODES") ||
                                       same(args[1], "INFO") || same(args[1], "MYID")
                                 : same(args[1], "GET");
  }
  return false;
}

}  // namespace rollcall::redis
