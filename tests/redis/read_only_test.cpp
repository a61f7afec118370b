// redis/read_only.cpp: which commands a link that WAITs for replicas may answer at once. A write
// taken for a read would be answered before any replica had it, so the list errs on the side
// of writes: everything not known to read is one.
#include "redis/read_only.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rollcall::redis {
namespace {

TEST(ReadOnly, ReadsAndQueriesInAnyCase) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"GET", "k"},
                                             {"get", "k"},
                                             {"HGETALL", "{ev}:badge:B1"},
                                             {"HMGET", "h", "a", "b"},
                                             {"MGET", "a", "b"},
                                             {"SMEMBERS", "s"},
                                             {"XRANGE", "x", "-", "+"},
                                             {"FCALL_RO", "rollcall_totals", "1", "{ev}"},
                                             {"fcall_ro", "rollcall_registry", "1", "{ev}"},
                                             {"PING"},
                                             {"CLUSTER", "SLOTS"},
                                             {"cluster", "nodes"},
                                             {"CONFIG", "GET", "appendfsync"},
                                             {"INFO", "persistence"}}) {
    EXPECT_TRUE(is_read_only(Command(args))) << args[0];
  }
}

TEST(ReadOnly, WritesAndEverythingUnknownWait) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"FCALL", "rollcall_scan", "1", "{ev}"},
           {"FCALL", "rollcall_totals", "1", "{ev}"},  // FCALL may write, whatever it calls
           {"SET", "k", "v"},
           {"GETDEL", "k"},
           {"GETEX", "k", "EX", "5"},
           {"GETSET", "k", "v"},
           {"HSET", "h", "f", "v"},
           {"DEL", "k"},
           {"XADD", "x", "*", "f", "v"},
           {"EVAL", "return 1", "0"},
           {"SORT", "s", "STORE", "d"},
           {"CONFIG", "SET", "appendfsync", "always"},
           {"CONFIG"},
           {"CLUSTER", "SETSLOT", "1", "NODE", "id"},
           {"CLUSTER"},
           {"PUBLISH", "c", "m"},
           {"GETX", "k"},
           {"G"},
           {"GETT"},
           {"NOSUCHCOMMAND"}}) {
    EXPECT_FALSE(is_read_only(Command(args))) << args[0] << " " << (args.size() > 1 ? args[1] : "");
  }
  EXPECT_FALSE(is_read_only(Command{}));
}

}  // namespace
}  // namespace rollcall::redis
