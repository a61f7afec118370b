// Issue 17: a command is formatted once, by its builder, into the bytes hiredis sends as they are.
// Checked against hiredis's own formatter on generated argvs (binary, empty, long arguments).
#include "redis/command.h"

#include <cstdint>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

namespace rollcall::tests::redis {
namespace {

namespace rr = rollcall::redis;

// What hiredis would have sent for `args` (redisAsyncCommandArgv formats the same way).
std::string hiredis_format(const std::vector<std::string>& args) {
  std::vector<const char*> pointers;
  std::vector<std::size_t> lengths;
  for (const auto& arg : args) {
    pointers.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  char* out = nullptr;
  const int length =
      redisFormatCommandArgv(&out, static_cast<int>(args.size()), pointers.data(), lengths.data());
  std::string bytes(out, static_cast<std::size_t>(length));
  redisFreeCommand(out);
  return bytes;
}

std::string random_arg(std::mt19937_64& random) {
  const auto kind = random() % 5;
  std::string arg(kind == 0 ? 0 : kind == 1 ? random() % 4000 : random() % 40, '\0');
  for (auto& c : arg) c = static_cast<char>(random() % 256);  // CR, LF, NUL, '$', '*' included
  return arg;
}

TEST(Command, BytesAreWhatHiredisWouldFormatAndReadBackToTheArguments) {
  std::mt19937_64 random(17);
  for (int i = 0; i < 3000; ++i) {
    std::vector<std::string> args(1 + random() % 24);
    for (auto& arg : args) arg = random_arg(random);
    const rr::Command from_argv(args);
    EXPECT_EQ(from_argv.bytes(), hiredis_format(args)) << i;
    EXPECT_EQ(from_argv.args(), args) << i;
    EXPECT_EQ(from_argv.name(), args[0]);
    EXPECT_EQ(from_argv.count(), args.size());
    EXPECT_TRUE(from_argv.complete());
    // Appended one by one (numbers as decimal) it is the same command.
    auto appended = rr::Command::of(args.size() + 1, random() % 2 ? 0 : 64);
    const auto number = static_cast<std::int64_t>(random()) * (random() % 2 ? 1 : -1);
    for (const auto& arg : args) appended.arg(arg);
    EXPECT_FALSE(appended.complete());
    appended.number(number);
    EXPECT_TRUE(appended.complete());
    auto with_number = args;
    with_number.push_back(std::to_string(number));
    EXPECT_EQ(appended.bytes(), hiredis_format(with_number)) << i;
  }
}

TEST(Command, EmptyAndExtremeNumbers) {
  EXPECT_TRUE(rr::Command().empty());
  EXPECT_TRUE(rr::Command(std::vector<std::string>{}).empty());
  EXPECT_TRUE(rr::Command().args().empty());
  EXPECT_EQ(rr::Command().name(), "");
  EXPECT_EQ(rr::Command({"PING"}).bytes(), "*1\r\n$4\r\nPING\r\n");
  const auto numbers = rr::Command::of(3)
                           .number(std::numeric_limits<std::int64_t>::min())
                           .number(std::numeric_limits<std::int64_t>::max())
                           .number(0)
                           .args();
  EXPECT_EQ(numbers,
            (std::vector<std::string>{"-9223372036854775808", "9223372036854775807", "0"}));
}

}  // namespace
}  // namespace rollcall::tests::redis
